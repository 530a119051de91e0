#include "demos/RescalingDemoView.h"

#include "QCustomPlotInclude.h"
#include "SurfaceMapPlot.h"
#include "demos/RawNormalizedMaps.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {

namespace {

// The slider holds log10(alpha) in hundredths: 1/100 .. 100 in steps of 0.01 decade.
constexpr int kSliderScale = 100;
// Long enough to coalesce a drag, short enough to feel live (one measurement is ~0.2 s).
constexpr int kRescalingDelayMs = 120;
// The curves: half-decade steps from 1/100 to 100.
constexpr int kSweepHalfDecades = 4;

enum RescalingTableRow {
    RescalingRowTrainLoss,
    RescalingRowTestAccuracy,
    RescalingRowOutputChange,
    RescalingRowWeightNorm,
    RescalingRowSharpness,
    RescalingRowTrace,
    RescalingRowEpsilon,
    RescalingRowRawPlane,
    RescalingRowNormalizedPlane,
    RescalingRowCount
};

QString rescalingNumber(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 4) : QStringLiteral("—");
}

QTableWidgetItem* rescalingCell(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

double rescalingRowValue(const RescalingPoint& point, int row)
{
    switch (row) {
    case RescalingRowTrainLoss: return point.trainLoss;
    case RescalingRowTestAccuracy: return 100.0 * point.testAccuracy;
    case RescalingRowOutputChange: return point.outputChange;
    case RescalingRowWeightNorm: return point.weightNorm;
    case RescalingRowSharpness: return point.sharpness;
    case RescalingRowTrace: return point.trace;
    case RescalingRowEpsilon: return point.epsilonSharpness;
    case RescalingRowRawPlane: return meanOverPlane(point.rawLoss);
    case RescalingRowNormalizedPlane: return meanOverPlane(point.normalizedLoss);
    default: return std::numeric_limits<double>::quiet_NaN();
    }
}

double rescalingQuantityValue(const RescalingPoint& point, RescalingDemoView::Quantity quantity)
{
    switch (quantity) {
    case RescalingDemoView::Quantity::Sharpness: return point.sharpness;
    case RescalingDemoView::Quantity::Trace: return point.trace;
    case RescalingDemoView::Quantity::EpsilonSharpness: return point.epsilonSharpness;
    case RescalingDemoView::Quantity::TrainLoss: return point.trainLoss;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

constexpr RescalingDemoView::Quantity kRescalingQuantities[] = {
    RescalingDemoView::Quantity::Sharpness, RescalingDemoView::Quantity::Trace,
    RescalingDemoView::Quantity::EpsilonSharpness, RescalingDemoView::Quantity::TrainLoss};

QString rescalingAlphaText(double alpha) { return QStringLiteral("α = %1").arg(alpha, 0, 'g', 3); }

}   // namespace

RescalingDemoView::RescalingDemoView(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<RescalingLessonRequest>();
    qRegisterMetaType<RescalingTrainedInfo>();
    qRegisterMetaType<RescalingPoint>();
    setObjectName(QStringLiteral("rescalingDemoView"));

    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setObjectName(QStringLiteral("rescalingAlpha"));
    m_slider->setRange(-2 * kSliderScale, 2 * kSliderScale);
    m_slider->setPageStep(kSliderScale / 2);
    m_slider->setTickInterval(kSliderScale);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setValue(0);
    m_slider->setToolTip(tr("α on a log scale, 1/100 to 100"));
    m_alphaLabel = new QLabel(rescalingAlphaText(1.0));
    m_alphaLabel->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("α = 0.0123 ")));
    auto* sliderRow = new QHBoxLayout;
    sliderRow->addWidget(new QLabel(tr("Rescale by α:")));
    sliderRow->addWidget(new QLabel(QStringLiteral("1/100")));
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(new QLabel(QStringLiteral("100")));
    sliderRow->addWidget(m_alphaLabel);

    m_sweepPlot = new QCustomPlot;
    m_sweepPlot->setObjectName(QStringLiteral("rescalingSweep"));
    m_sweepPlot->setMinimumSize(240, 180);
    for (QCPAxis* axis : {m_sweepPlot->xAxis, m_sweepPlot->yAxis}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    m_sweepPlot->xAxis->setLabel(tr("α (T_α: layer × α, next layer × 1/α)"));
    m_sweepPlot->yAxis->setLabel(tr("value at T_α(θ*)"));
    m_sweepPlot->xAxis->setRange(0.5 * kMinAlpha, 2.0 * kMaxAlpha);
    // The legend in a row of its own above the axes, two columns (as PlotPanel does): inside
    // them it hid the curves' middle, where alpha = 1 is.
    QCPLegend* legend = m_sweepPlot->legend;
    m_sweepPlot->axisRect()->insetLayout()->take(legend);
    m_sweepPlot->axisRect()->insetLayout()->simplify();
    m_sweepPlot->plotLayout()->insertRow(0);
    m_sweepPlot->plotLayout()->addElement(0, 0, legend);
    m_sweepPlot->plotLayout()->setRowStretchFactor(0, 0.001);
    legend->setVisible(true);
    legend->setWrap(2);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    legend->setRowSpacing(0);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setIconSize(18, 10);
    m_sweepPlot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems);
    const QStringList names{tr("sharpness a = λmax(H)"), tr("trace tr(H)"), tr("ε-sharpness (%)"), tr("training loss")};
    for (int i = 0; i < names.size(); ++i) {
        QCPGraph* graph = m_sweepPlot->addGraph();
        graph->setName(names.at(i));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        m_sweepGraphs << graph;
        QCPGraph* current = m_sweepPlot->addGraph();
        current->setLineStyle(QCPGraph::lsNone);
        current->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 9));
        current->removeFromLegend();
        m_currentGraphs << current;
    }
    m_alphaLine = new QCPItemStraightLine(m_sweepPlot);
    m_alphaLine->point1->setCoords(1.0, 1.0);
    m_alphaLine->point2->setCoords(1.0, 10.0);

    m_mapsPlot = new QCustomPlot;
    m_mapsPlot->setObjectName(QStringLiteral("rescalingMaps"));
    m_mapsPlot->setMinimumSize(240, 160);
    RawNormalizedMapsLayout mapsLayout;
    mapsLayout.normalizedTitle = tr("filter-normalized");
    mapsLayout.alphaLabel = tr("along d₁");
    mapsLayout.betaLabel = tr("along d₂");
    mapsLayout.scaleLabel = tr("training loss (log)");
    const RawNormalizedMaps maps = buildRawNormalizedMaps(m_mapsPlot, mapsLayout);
    m_scale = maps.scale;
    m_rawMap = maps.maps.at(0);
    m_normalizedMap = maps.maps.at(1);

    m_table = new QTableWidget(RescalingRowCount, 3);
    m_table->setObjectName(QStringLiteral("rescalingTable"));
    m_table->setHorizontalHeaderLabels(
        {rescalingAlphaText(1.0), tr("slider: %1").arg(rescalingAlphaText(1.0)), tr("ratio")});
    m_table->setVerticalHeaderLabels({tr("training loss"), tr("test accuracy (%)"), tr("output change (relative)"),
                                      tr("|θ|"), tr("sharpness a"), tr("trace tr(H)"), tr("ε-sharpness (%)"),
                                      tr("mean loss, raw plane"), tr("mean loss, normalized plane")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    int tableHeight = m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth();
    for (int row = 0; row < RescalingRowCount; ++row)
        tableHeight += m_table->verticalHeader()->sectionSizeHint(row);
    m_table->setFixedHeight(tableHeight);

    m_summary = new QLabel(tr("Training the network…"));
    m_summary->setObjectName(QStringLiteral("rescalingSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(m_sweepPlot);
    plots->addWidget(m_mapsPlot);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(sliderRow);
    layout->addWidget(plots, 1);
    layout->addWidget(m_table);
    layout->addWidget(m_summary);

    m_worker = new RescalingLessonWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &RescalingDemoView::computeRequested, m_worker, &RescalingLessonWorker::compute,
            Qt::QueuedConnection);
    connect(m_worker, &RescalingLessonWorker::trained, this, &RescalingDemoView::onTrained, Qt::QueuedConnection);
    connect(m_worker, &RescalingLessonWorker::measured, this, &RescalingDemoView::onMeasured, Qt::QueuedConnection);
    connect(m_worker, &RescalingLessonWorker::finished, this, &RescalingDemoView::onFinished, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("rescaling lesson"));
    m_thread.start();

    m_delay.setSingleShot(true);
    m_delay.setInterval(kRescalingDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &RescalingDemoView::requestPoint);
    connect(m_slider, &QSlider::valueChanged, this, &RescalingDemoView::onSlider);
    applyTheme();
}

RescalingDemoView::~RescalingDemoView()
{
    for (const auto& cancel : {m_lessonCancel, m_pointCancel})
        if (cancel)
            cancel->requestCancel();
    m_thread.quit();
    m_thread.wait();
}

double RescalingDemoView::alpha() const
{
    return std::pow(10.0, static_cast<double>(m_slider->value()) / kSliderScale);
}

void RescalingDemoView::setAlpha(double alpha)
{
    const double clamped = std::clamp(alpha, kMinAlpha, kMaxAlpha);
    m_slider->setValue(static_cast<int>(std::lround(std::log10(clamped) * kSliderScale)));
}

QCPGraph* RescalingDemoView::sweepGraph(Quantity quantity) const
{
    return m_sweepGraphs.value(static_cast<int>(quantity), nullptr);
}

QString RescalingDemoView::summaryText() const { return m_summary->text(); }

void RescalingDemoView::setLesson(const QString& label, const QString& runConfig)
{
    for (const auto& cancel : {m_lessonCancel, m_pointCancel})
        if (cancel)
            cancel->requestCancel();
    m_delay.stop();
    m_label = label;
    m_info = RescalingTrainedInfo{};
    m_reference = m_current = RescalingPoint{};
    m_sweep.clear();
    m_trained = m_hasReference = m_hasPoint = m_ready = false;
    m_error.clear();
    for (QCPGraph* graph : m_sweepGraphs + m_currentGraphs)
        graph->data()->clear();
    for (QCPColorMap* map : {m_rawMap, m_normalizedMap})
        map->data()->clear();
    {
        const QSignalBlocker block(m_slider);   // alpha = 1 is part of the lesson's own request
        m_slider->setValue(0);
    }
    m_alphaLabel->setText(rescalingAlphaText(1.0));

    RescalingLessonRequest request;
    request.jobId = m_lessonJob = m_pointJob = ++m_nextJob;
    request.lessonId = m_lessonId = request.jobId;
    request.runConfig = runConfig;
    request.alpha = 1.0;
    for (int k = -kSweepHalfDecades; k <= kSweepHalfDecades; ++k)
        request.sweep.push_back(std::pow(10.0, 0.5 * k));
    request.resolution = kResolution;
    request.range = kRange;
    m_lessonCancel = request.cancel;
    m_pointCancel.reset();
    fillTable();
    updateSummary();
    m_sweepPlot->replot();
    m_mapsPlot->replot();
    Q_EMIT computeRequested(request);
}

void RescalingDemoView::onSlider()
{
    // The label and the line move at once; the numbers follow from the worker.
    const double a = alpha();
    m_alphaLabel->setText(rescalingAlphaText(a));
    m_alphaLine->point1->setCoords(a, 1.0);
    m_alphaLine->point2->setCoords(a, 10.0);
    m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
    m_hasPoint = false;
    m_delay.start();
    updateSummary();
}

void RescalingDemoView::requestPoint()
{
    if (m_pointCancel)
        m_pointCancel->requestCancel();   // the answer for the previous alpha is no longer wanted
    RescalingLessonRequest request;
    request.jobId = m_pointJob = ++m_nextJob;
    request.lessonId = m_lessonId;
    request.alpha = alpha();
    request.resolution = kResolution;
    request.range = kRange;
    m_pointCancel = request.cancel;
    Q_EMIT computeRequested(request);
}

void RescalingDemoView::onTrained(const RescalingTrainedInfo& info)
{
    if (info.lessonId != m_lessonId)
        return;
    m_info = info;
    m_trained = true;
    updateSummary();
}

void RescalingDemoView::onMeasured(const RescalingPoint& point)
{
    if (point.lessonId != m_lessonId)
        return;   // a lesson since replaced
    if (point.sweep) {
        addSweepPoint(point);
        return;
    }
    if (point.jobId == m_lessonJob) {
        // alpha = 1: the reference column, and the color scale every later picture keeps.
        m_reference = point;
        m_hasReference = true;
        double low = std::numeric_limits<double>::infinity();
        double high = 0.0;
        for (const std::vector<double>* values : {&point.rawLoss, &point.normalizedLoss})
            widenToPositiveRange(*values, low, high);
        if (high > low)
            m_scale->setDataRange(QCPRange(low, high));
    }
    if (point.jobId != m_pointJob)
        return;   // the slider moved on since
    m_current = point;
    m_hasPoint = true;
    showCurrent();
    Q_EMIT pointMeasured(point.alpha);
}

void RescalingDemoView::onFinished(quint64 jobId, quint64 lessonId, const QString& error)
{
    if (lessonId != m_lessonId)
        return;
    if (jobId == m_lessonJob) {
        m_ready = error.isEmpty();
        m_error = error;
        updateSummary();
        Q_EMIT lessonReady(error);
    } else if (jobId == m_pointJob && !error.isEmpty() && !(m_pointCancel && m_pointCancel->isCancelled())) {
        m_error = error;
        updateSummary();
    }
}

void RescalingDemoView::addSweepPoint(const RescalingPoint& point)
{
    m_sweep.push_back(point);
    for (Quantity quantity : kRescalingQuantities) {
        const double value = rescalingQuantityValue(point, quantity);
        if (std::isfinite(value) && value > 0.0)
            sweepGraph(quantity)->addData(point.alpha, value);
    }
    bool found = false;
    QCPRange values;
    for (QCPGraph* graph : m_sweepGraphs) {
        bool ok = false;
        const QCPRange r = graph->getValueRange(ok, QCP::sdBoth, QCPRange());
        if (ok) {
            values = found ? QCPRange(std::min(values.lower, r.lower), std::max(values.upper, r.upper)) : r;
            found = true;
        }
    }
    if (found)   // half a decade of room either side
        m_sweepPlot->yAxis->setRange(values.lower / 3.0, values.upper * 3.0);
    m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
    updateSummary();
}

void RescalingDemoView::showCurrent()
{
    for (Quantity quantity : kRescalingQuantities) {
        QCPGraph* graph = m_currentGraphs.at(static_cast<int>(quantity));
        graph->data()->clear();
        const double value = rescalingQuantityValue(m_current, quantity);
        if (std::isfinite(value) && value > 0.0)
            graph->addData(m_current.alpha, value);
    }
    m_sweepPlot->replot(QCustomPlot::rpQueuedReplot);
    showMaps();
    fillTable();
    updateSummary();
}

void RescalingDemoView::showMaps()
{
    const int nx = static_cast<int>(m_current.xs.size());
    const int ny = static_cast<int>(m_current.ys.size());
    if (nx < 2 || ny < 2)
        return;
    for (bool normalized : {false, true}) {
        QCPColorMap* map = colorMap(normalized);
        const std::vector<double>& loss = normalized ? m_current.normalizedLoss : m_current.rawLoss;
        map->data()->setSize(nx, ny);
        map->data()->setRange(QCPRange(m_current.xs.front(), m_current.xs.back()),
                              QCPRange(m_current.ys.front(), m_current.ys.back()));
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i)
                map->data()->setCell(i, j, loss[static_cast<size_t>(j * nx + i)]);
        map->rescaleAxes();
    }
    m_mapsPlot->replot(QCustomPlot::rpQueuedReplot);
}

void RescalingDemoView::fillTable()
{
    m_table->horizontalHeaderItem(1)->setText(
        tr("slider: %1").arg(rescalingAlphaText(m_hasPoint ? m_current.alpha : alpha())));
    for (int row = 0; row < RescalingRowCount; ++row) {
        const double reference = m_hasReference ? rescalingRowValue(m_reference, row)
                                                : std::numeric_limits<double>::quiet_NaN();
        const double current = m_hasPoint ? rescalingRowValue(m_current, row)
                                          : std::numeric_limits<double>::quiet_NaN();
        m_table->setItem(row, 0, rescalingCell(rescalingNumber(reference)));
        m_table->setItem(row, 1, rescalingCell(rescalingNumber(current)));
        // The output change is rounding only: a ratio of two roundings says nothing.
        const bool ratio = row != RescalingRowOutputChange && std::isfinite(reference) && std::isfinite(current)
                           && reference != 0.0;
        m_table->setItem(
            row, 2,
            rescalingCell(ratio ? QStringLiteral("× %1").arg(current / reference, 0, 'g', 3) : QStringLiteral("—")));
    }
}

void RescalingDemoView::updateSummary()
{
    if (!m_error.isEmpty()) {
        m_summary->setText(tr("The lesson could not be computed: %1").arg(m_error));
        return;
    }
    if (!m_trained) {
        m_summary->setText(tr("Training the network…"));
        return;
    }
    QString text = tr("<b>%1</b>: %2 steps to loss %3, test accuracy %4%; %5 parameters, %6 training examples. "
                      "T_α multiplies %7's weights and biases by α and %8's weights by 1/α.")
                       .arg(m_label)
                       .arg(m_info.iterations)
                       .arg(m_info.trainLoss, 0, 'g', 3)
                       .arg(100.0 * m_info.testAccuracy, 0, 'f', 1)
                       .arg(m_info.parameters)
                       .arg(m_info.examples)
                       .arg(m_info.firstLayer, m_info.secondLayer);
    if (!m_ready)
        text += tr(" Measuring the curves against α (%1 of %2)…").arg(m_sweep.size()).arg(2 * kSweepHalfDecades + 1);
    else if (!m_hasPoint)
        text += tr(" Measuring at %1…").arg(rescalingAlphaText(alpha()));
    else if (m_current.alpha == 1.0 || !m_hasReference)
        text += tr(" Move the slider: the network computes the same function at every α.");
    else
        text += tr(" At %1 (measured in %2 s) the loss is the same and a is %3 times its value at α = 1.")
                    .arg(rescalingAlphaText(m_current.alpha))
                    .arg(m_current.seconds, 0, 'f', 2)
                    .arg(m_current.sharpness / m_reference.sharpness, 0, 'g', 3);
    m_summary->setText(text);
}

void RescalingDemoView::setTheme(const PlotTheme& theme)
{
    m_theme = theme;
    applyTheme();
}

void RescalingDemoView::applyTheme()
{
    const PlotTheme& theme = m_theme;
    m_sweepPlot->setBackground(theme.background);
    applyThemeToAxes(m_sweepPlot->axisRect()->axes(), theme);
    applyRawNormalizedMapsTheme(m_mapsPlot, m_scale, theme);
    for (int i = 0; i < m_sweepGraphs.size(); ++i) {
        const QColor color = theme.seriesColor(i);
        m_sweepGraphs.at(i)->setPen(QPen(color, 2));
        m_currentGraphs.at(i)->setPen(QPen(color));
        m_currentGraphs.at(i)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 9));
    }
    m_alphaLine->setPen(QPen(theme.foreground, 1, Qt::DashLine));
    m_sweepPlot->legend->setTextColor(theme.foreground);
    m_sweepPlot->replot();
    m_mapsPlot->replot();
}

}   // namespace minimascope::ui
