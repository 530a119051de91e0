#include "PlotPanel.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace minimascope::ui {
namespace {

// How close (pixels) the pointer must be to a point for the hover read-out.
constexpr double hoverTolerancePx = 10.0;
// Share of the data range left free at each side after fitting.
constexpr double fitMargin = 0.05;

QString formatValue(double v)
{
    return QString::number(v, 'g', 6);
}

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
        const double pad = range.size() > 0 ? range.size() * fitMargin
                                            : std::max(std::abs(range.center()) * 0.1, 0.5);
        axis->setRange(range.lower - pad, range.upper + pad);
    }
}

}  // namespace

PlotPanel::PlotPanel(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumSize(240, 180);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setMouseTracking(true);
    m_plot->legend->setVisible(true);
    // A compact legend covers less of the data, also in the small cells of the figure sheet.
    QFont legendFont = m_plot->font();
    if (legendFont.pointSizeF() > 6.0)  // -1 when the font is sized in pixels
        legendFont.setPointSizeF(legendFont.pointSizeF() - 1.0);
    m_plot->legend->setFont(legendFont);
    m_plot->legend->setIconSize(24, 12);
    m_plot->legend->setRowSpacing(0);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
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
    const QList<QCPAxis*> axes = m_plot->axisRect()->axes();
    for (QCPAxis* axis : axes) {
        axis->setBasePen(QPen(fg, 1));
        axis->setTickPen(QPen(fg, 1));
        axis->setSubTickPen(QPen(fg, 1));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->grid()->setPen(QPen(m_theme.grid, 1, Qt::DotLine));
        axis->grid()->setSubGridPen(Qt::NoPen);
        axis->grid()->setZeroLinePen(QPen(m_theme.grid, 1));
    }
    QColor legendBackground = m_theme.background;
    legendBackground.setAlpha(215);
    m_plot->legend->setBrush(legendBackground);
    m_plot->legend->setBorderPen(QPen(m_theme.grid));
    m_plot->legend->setTextColor(fg);
    if (m_title)
        m_title->setTextColor(fg);
}

void PlotPanel::setTitle(const QString& title)
{
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

QString PlotPanel::title() const
{
    return m_title ? m_title->text() : QString();
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

void PlotPanel::stopFollowing()
{
    m_followData = false;
}

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

QString PlotPanel::pointNote(const QCPAbstractPlottable*, int) const
{
    return {};
}

QCPGraph* PlotPanel::addLegendEntry(const QString& name)
{
    QCPGraph* entry = m_plot->addGraph();
    entry->setName(name);
    // A line style, so that the legend icon shows the pen; without data nothing else is drawn.
    entry->setLineStyle(QCPGraph::lsLine);
    return entry;
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
    const QString keyName = best->keyAxis()->label().isEmpty() ? QStringLiteral("x")
                                                               : best->keyAxis()->label();
    const QString valueName = best->valueAxis()->label().isEmpty() ? QStringLiteral("y")
                                                                   : best->valueAxis()->label();
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
        return;  // dragging: no read-out
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

}  // namespace minimascope::ui
