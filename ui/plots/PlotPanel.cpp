#include "PlotPanel.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QFontMetrics>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

// How close (pixels) the pointer must be to a point for the hover read-out.
constexpr double hoverTolerancePx = 10.0;
// Share of the data range left free at each side after fitting.
constexpr double fitMargin = 0.05;
// Horizontal room between two legend columns and between two tick labels (pixels).
constexpr int legendColumnSpacing = 10;
constexpr int tickLabelGap = 12;
// Free width at each side of the legend row (pixels).
constexpr int legendSideMargin = 4;
// Ticks along a horizontal axis: QCustomPlot's default at most, two at least.
constexpr int maxTickCount = 5;
constexpr int minTickCount = 2;

QString formatValue(double v) { return QString::number(v, 'g', 6); }

void fitAxis(QCPAxis* axis)
{
    if (!axis->visible())
        return;
    QCPRange range = axis->range();
    if (axis->scaleType() == QCPAxis::stLogarithmic) {
        // Multiplicative margin: a fixed fraction of a decade at each side.
        const double f = std::pow(std::max(range.upper / range.lower, 1.0 + 1e-9), fitMargin);
        axis->setRange(range.lower / f, range.upper * f);
    } else {
        const double pad = range.size() > 0 ? range.size() * fitMargin : std::max(std::abs(range.center()) * 0.1, 0.5);
        axis->setRange(range.lower - pad, range.upper + pad);
    }
}

}   // namespace

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumSize(240, 180);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    // The legend in a row of its own above the axes: inside them it hid curves in small panels.
    QCPLegend* legend = m_plot->legend;
    m_plot->axisRect()->insetLayout()->take(legend);
    m_plot->axisRect()->insetLayout()->simplify();
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, legend);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);   // as tall as its entries, no more
    legend->setVisible(true);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, false);
    QFont legendFont = m_plot->font();
    if (legendFont.pointSizeF() > 6.0)   // -1 when the font is sized in pixels
        legendFont.setPointSizeF(legendFont.pointSizeF() - 1.0);
    legend->setFont(legendFont);
    legend->setIconSize(18, 10);
    legend->setIconTextPadding(4);
    legend->setRowSpacing(0);
    legend->setColumnSpacing(legendColumnSpacing);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    // Antialiased lines look much better and measured within the replot budget (benchmarks).
    m_plot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems);
    // One polyline call instead of a call per segment (solid pens on raster devices only).
    m_plot->setPlottingHint(QCP::phFastPolylines, true);

    m_replotTimer.setSingleShot(true);
    m_replotTimer.setInterval(replotIntervalMs);
    connect(&m_replotTimer, &QTimer::timeout, this, &PlotPanel::onReplotTimer);
    connect(m_plot, &QCustomPlot::mouseMove, this, &PlotPanel::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent*) { stopFollowing(); });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { stopFollowing(); });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetView(); });
    connect(m_plot, &QCustomPlot::afterLayout, this, &PlotPanel::adaptToSize);
    applyBaseTheme();
}

PlotPanel::~PlotPanel() = default;

void PlotPanel::setTheme(const PlotTheme& theme)
{
    m_theme = theme;
    if (m_theme.series.isEmpty())
        m_theme.series = PlotTheme::light().series;
    applyBaseTheme();
    applyTheme(m_theme);
    scheduleReplot();
}

void PlotPanel::applyBaseTheme()
{
    const QColor fg = m_theme.foreground;
    m_plot->setBackground(m_theme.background);
    m_plot->axisRect()->setBackground(m_theme.background);
    applyThemeToAxes(m_plot->axisRect()->axes(), m_theme);
    m_plot->legend->setTextColor(fg);
    if (m_title)
        m_title->setTextColor(fg);
}

void PlotPanel::setTitle(const QString& title)
{
    m_titleText = title;
    if (title.isEmpty()) {
        if (m_title) {
            m_plot->plotLayout()->remove(m_title);
            m_plot->plotLayout()->simplify();
            m_title = nullptr;
        }
    } else if (m_title) {
        m_title->setText(title);
    } else {
        m_plot->plotLayout()->insertRow(0);
        QFont font = m_plot->font();
        font.setBold(true);
        m_title = new QCPTextElement(m_plot, title, font);
        m_title->setTextColor(m_theme.foreground);
        m_plot->plotLayout()->addElement(0, 0, m_title);
    }
    scheduleReplot();
}

QString PlotPanel::title() const { return m_titleText; }

void PlotPanel::adaptToSize()
{
    // Each step only depends on the width, so one more layout settles it.
    const bool legendChanged = fitLegendColumns();
    const bool titleChanged = wrapTitle();
    const bool ticksChanged = fitTickCounts();
    if (!legendChanged && !titleChanged && !ticksChanged)
        return;
    // QCustomPlot::updateLayout() without its afterLayout signal (we are in its handler).
    QCPLayoutGrid* layout = m_plot->plotLayout();
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
}

bool PlotPanel::fitLegendColumns()
{
    QCPLegend* legend = m_plot->legend;
    QList<int> widths;
    for (int i = 0; i < legend->elementCount(); ++i) {
        if (QCPLayoutElement* item = legend->elementAt(i))
            widths << item->minimumOuterSizeHint().width();
    }
    const int available = m_plot->viewport().width() - 2 * legendSideMargin;
    // The most columns whose widest entries, side by side, fit the width.
    int columns = std::max(1, int(widths.size()));
    int total = 0;
    for (;; --columns) {
        total = (columns - 1) * legendColumnSpacing;
        for (int c = 0; c < columns; ++c) {
            int widest = 0;
            for (int i = c; i < widths.size(); i += columns)
                widest = std::max(widest, widths[i]);
            total += widest;
        }
        if (columns == 1 || total <= available)
            break;
    }
    // Centred: the spare width goes into the side margins rather than between the columns.
    const int spare = std::max(0, available - total);
    const QMargins margins(legendSideMargin + spare / 2, 0, legendSideMargin + spare - spare / 2, 2);
    if (legend->wrap() == columns && legend->margins() == margins)
        return false;
    legend->setMargins(margins);
    legend->setWrap(columns);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    return true;
}

bool PlotPanel::wrapTitle()
{
    if (!m_title)
        return false;
    const QFontMetrics metrics(m_title->font());
    const int available = m_plot->viewport().width() - 8;
    // Greedy line breaks at spaces; "x = 1" stays on one line.
    QString text = m_titleText;
    text.replace(QStringLiteral(" = "), QStringLiteral("\u00a0=\u00a0"));
    QStringList lines;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!lines.isEmpty() && metrics.horizontalAdvance(lines.last() + QLatin1Char(' ') + word) <= available)
            lines.last() += QLatin1Char(' ') + word;
        else
            lines << word;
    }
    const QString wrapped = lines.join(QLatin1Char('\n')).replace(QChar(0xa0), QLatin1Char(' '));
    if (wrapped == m_title->text())
        return false;
    m_title->setText(wrapped);
    return true;
}

bool PlotPanel::fitTickCounts()
{
    // Tick steps are rounded to readable values, so the count asked for is only a hint: ask for
    // fewer until the labels QCustomPlot makes of it stand apart.
    auto labelsApart = [](const QCPAxis* axis) {
        const QFontMetrics metrics(axis->tickLabelFont());
        const QVector<double> ticks = axis->tickVector();
        const QVector<QString> labels = axis->tickVectorLabels();
        for (int i = 1; i < ticks.size() && i < labels.size(); ++i) {
            const double distance = std::abs(axis->coordToPixel(ticks[i]) - axis->coordToPixel(ticks[i - 1]));
            const double needed =
                0.5 * (metrics.horizontalAdvance(labels[i - 1]) + metrics.horizontalAdvance(labels[i])) + tickLabelGap;
            if (distance < needed)
                return false;
        }
        return true;
    };
    QCPAxisRect* rect = m_plot->axisRect();
    bool changed = false;
    const QList<QCPAxis*> axes = rect->axes(QCPAxis::atBottom | QCPAxis::atTop);
    for (QCPAxis* axis : axes) {
        if (!axis->visible() || axis->scaleType() != QCPAxis::stLinear)
            continue;
        const int before = axis->ticker()->tickCount();
        int count = maxTickCount;
        if (count != before) {
            axis->ticker()->setTickCount(count);
            rect->update(QCPLayoutElement::upPreparation);   // makes the tick vectors again
        }
        while (count > minTickCount && !labelsApart(axis)) {
            axis->ticker()->setTickCount(--count);
            rect->update(QCPLayoutElement::upPreparation);
        }
        changed = changed || count != before;
    }
    return changed;
}

void PlotPanel::scheduleReplot()
{
    if (!m_replotTimer.isActive())
        m_replotTimer.start();
}

void PlotPanel::onReplotTimer()
{
    if (m_followData)
        fitView();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotPanel::replotNow()
{
    m_replotTimer.stop();
    if (m_followData)
        fitView();
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
}

void PlotPanel::resetView()
{
    m_followData = true;
    fitView();
    m_replotTimer.stop();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotPanel::stopFollowing() { m_followData = false; }

void PlotPanel::fitView() const
{
    // Each axis separately, so that an axis without visible data keeps its default range.
    const QList<QCPAxis*> axes = m_plot->axisRect()->axes();
    for (QCPAxis* axis : axes) {
        bool any = false;
        for (QCPAbstractPlottable* p : axis->plottables()) {
            if (p->visible() && p->interface1D() && p->interface1D()->dataCount() > 0) {
                any = true;
                break;
            }
        }
        if (!any)
            continue;
        axis->rescale(true);
        fitAxis(axis);
    }
}

QString PlotPanel::pointNote(const QCPAbstractPlottable*, int) const { return {}; }

QCPGraph* PlotPanel::addLegendEntry(const QString& name)
{
    QCPGraph* entry = m_plot->addGraph();
    entry->setName(name);
    // A line style, so that the legend icon shows the pen; without data nothing else is drawn.
    entry->setLineStyle(QCPGraph::lsLine);
    return entry;
}

void PlotPanel::setInLegend(QCPAbstractPlottable* plottable, bool shown)
{
    if (m_plot->legend->hasItemWithPlottable(plottable) == shown)
        return;
    if (shown)
        plottable->addToLegend();
    else
        plottable->removeFromLegend();
}

QPen PlotPanel::seriesPen(int index, double width, Qt::PenStyle style) const
{
    // Bevel joins: round joins make Qt's stroker ten times slower on long polylines
    // (docs/benchmarks.md, "Plots").
    QPen pen(m_theme.seriesColor(index), width, style);
    pen.setCapStyle(Qt::FlatCap);
    pen.setJoinStyle(Qt::BevelJoin);
    return pen;
}

QString PlotPanel::readoutAt(const QPointF& pos) const
{
    QCPAbstractPlottable* best = nullptr;
    int bestIndex = -1;
    double bestDistance = hoverTolerancePx;
    for (int i = 0; i < m_plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = m_plot->plottable(i);
        QCPPlottableInterface1D* data = p->interface1D();
        if (!p->visible() || !data || data->dataCount() == 0)
            continue;
        QVariant details;
        const double d = p->selectTest(pos, false, &details);
        if (d < 0 || d > bestDistance)
            continue;
        const QCPDataSelection selection = details.value<QCPDataSelection>();
        if (selection.isEmpty())
            continue;
        // selectTest may report a line segment; the read-out names its nearer end point.
        int index = selection.dataRange().begin();
        const int last = std::min(selection.dataRange().end(), data->dataCount()) - 1;
        double nearest = std::numeric_limits<double>::infinity();
        for (int j = index; j <= last; ++j) {
            const QPointF pixel = data->dataPixelPosition(j);
            const double dj = std::hypot(pixel.x() - pos.x(), pixel.y() - pos.y());
            if (dj < nearest) {
                nearest = dj;
                index = j;
            }
        }
        best = p;
        bestIndex = index;
        bestDistance = d;
    }
    if (!best)
        return {};
    QCPPlottableInterface1D* data = best->interface1D();
    QStringList lines;
    lines << best->name();
    const QString keyName = best->keyAxis()->label().isEmpty() ? QStringLiteral("x") : best->keyAxis()->label();
    const QString valueName = best->valueAxis()->label().isEmpty() ? QStringLiteral("y") : best->valueAxis()->label();
    lines << keyName + QStringLiteral(": ") + formatValue(data->dataMainKey(bestIndex));
    lines << valueName + QStringLiteral(": ") + formatValue(data->dataMainValue(bestIndex));
    const QString note = pointNote(best, bestIndex);
    if (!note.isEmpty())
        lines << note;
    return lines.join(QLatin1Char('\n'));
}

void PlotPanel::onMouseMove(QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton)
        return;   // dragging: no read-out
    const QString text = readoutAt(event->position());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void PlotPanel::bringViewUpToDate() const
{
    if (m_replotTimer.isActive() && m_followData)
        fitView();
}

void PlotPanel::renderTo(QCPPainter* painter, int width, int height) const
{
    bringViewUpToDate();
    m_plot->toPainter(painter, width, height);
}

bool PlotPanel::exportImage(const QString& path, QSize size, double dpi, QString* error) const
{
    bringViewUpToDate();
    return plotexport::writeImage(*m_plot, path, size, dpi, error);
}

bool PlotPanel::exportCsv(const QString& path, QString* error) const
{
    return plotexport::writeText(path, toCsv(), error);
}

void setAxisLogarithmic(QCPAxis* axis, bool on)
{
    if (on) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setNumberFormat(QStringLiteral("gb"));
        axis->setNumberPrecision(6);
    }
}

}   // namespace minimascope::ui
