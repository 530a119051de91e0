#include "StabilityDiagram.h"

#include "PlotExport.h"
#include "QCustomPlotInclude.h"

#include <QFontMetrics>
#include <QMouseEvent>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace minimascope::ui {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Room beyond the larger of the data and the bounds.
constexpr double kDiagramHeadroom = 1.12;
// Room below the lower end, as a share of the range.
constexpr double lowerPad = 0.03;
// Transparency of the stable region's fill (0..255): visible in both themes, points stay readable.
constexpr int regionAlpha = 38;
// Above this many trajectory points, only every k-th gets a marker (the line shows the rest).
constexpr int maxTrajectoryMarkers = 400;
// A measurement closer than this (pixels, along both axes) to the previous drawn one is not drawn.
constexpr double trajectoryTolerancePx = 0.75;
// Room (pixels) between the s bound's label and the a bound's.
constexpr double boundLabelGapPx = 6.0;
// A press this close (pixels) to the a bound's line drags the line rather than the view.
constexpr double boundGrabPx = 6.0;
// The what-if ring: larger than the run's markers, so that it circles the run's last point.
constexpr double whatIfRingSize = 18.0;
// Session groups take colors after the trajectory (0), the bounds (1) and the region (2).
constexpr int firstSessionColor = 3;

const QCPScatterStyle::ScatterShape sessionShapes[] = {QCPScatterStyle::ssDisc,
                                                       QCPScatterStyle::ssSquare,
                                                       QCPScatterStyle::ssTriangle,
                                                       QCPScatterStyle::ssDiamond,
                                                       QCPScatterStyle::ssTriangleInverted,
                                                       QCPScatterStyle::ssCross,
                                                       QCPScatterStyle::ssPlus,
                                                       QCPScatterStyle::ssStar};

QString formatNumber(double v) { return QString::number(v, 'g', 4); }

}   // namespace

StabilityDiagram::StabilityDiagram(QWidget* parent) : PlotPanel(parent), m_aBound(nan), m_sBound(nan), m_eta(nan)
{
    QCustomPlot* plot = customPlot();
    plot->xAxis->setLabel(QStringLiteral("sharpness a = λmax(H)"));
    plot->yAxis->setLabel(QStringLiteral("non-uniformity s = √λmax(Σ)"));
    plot->xAxis->setRange(0.0, 25.0);
    plot->yAxis->setRange(0.0, 40.0);

    // Drawn first so that it lies under the bounds and the points.
    m_region = new QCPItemRect(plot);
    m_region->setVisible(false);
    m_aLine = new QCPItemStraightLine(plot);
    m_aLine->setVisible(false);
    m_sLine = new QCPItemStraightLine(plot);
    m_sLine->setVisible(false);
    // Along the a bound, reading upwards from the bottom, just left of the line: it stays clear
    // of the s bound's line and label (near the top) and of the data in a narrow panel. Aligned
    // in the text's own (rotated) frame: left = the bottom of the view, bottom = left of the line.
    m_aLabel = new QCPItemText(plot);
    m_aLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_aLabel->setRotation(-90.0);
    m_aLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_aLabel->setVisible(false);
    m_sLabel = new QCPItemText(plot);
    m_sLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_sLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_sLabel->setVisible(false);

    m_trajectory = new QCPCurve(plot->xAxis, plot->yAxis);
    m_trajectory->setName(QStringLiteral("current run (a, s)"));
    m_current = plot->addGraph();
    m_current->setLineStyle(QCPGraph::lsNone);
    m_current->removeFromLegend();
    m_regionEntry = addLegendEntry(QStringLiteral("linearly stable region"));
    m_whatIf = plot->addGraph();
    m_whatIf->setLineStyle(QCPGraph::lsNone);
    m_whatIf->setName(QStringLiteral("what if: the run's minimum"));
    m_whatIf->removeFromLegend();
    m_whatIfLabel = new QCPItemText(plot);
    m_whatIfLabel->setVisible(false);

    // Redone after every layout: the view (ranges, size) decides which points are a pixel apart.
    connect(plot, &QCustomPlot::afterLayout, this, &StabilityDiagram::redrawTrajectory);
    connect(plot, &QCustomPlot::afterLayout, this, &StabilityDiagram::fitSBoundLabel);
    connect(plot, &QCustomPlot::afterLayout, this, &StabilityDiagram::placeWhatIfLabel);
    // Before the axis rect sees the press: a grab of the a bound turns panning off for the drag.
    connect(plot, &QCustomPlot::mousePress, this, &StabilityDiagram::onBoundPress);
    connect(plot, &QCustomPlot::mouseMove, this, &StabilityDiagram::onBoundMove);
    connect(plot, &QCustomPlot::mouseRelease, this, &StabilityDiagram::onBoundRelease);

    updateTitle();
    applyTheme(theme());
}

void StabilityDiagram::setBounds(double eta, int64_t batchSize, int64_t n, core::BatchDraw draw)
{
    const bool valid = eta > 0.0 && std::isfinite(eta) && batchSize > 0 && n > 0;
    m_eta = valid ? eta : nan;
    m_batchSize = valid ? batchSize : 0;
    m_n = valid ? n : 0;
    m_draw = draw;
    m_aBound = valid ? core::sharpnessBound(eta) : nan;
    // +infinity for GD: every step sees the whole set, Σ plays no role.
    m_sBound = valid ? core::nonUniformityBound(eta, std::min(batchSize, n), n, draw) : nan;
    const bool finiteS = std::isfinite(m_sBound);

    // Two points of each line away from 0, which a log axis cannot place.
    m_aLine->setVisible(valid);
    m_aLine->point1->setCoords(m_aBound, 1.0);
    m_aLine->point2->setCoords(m_aBound, 2.0);
    m_aLabel->setVisible(valid);
    m_aLabel->position->setCoords(m_aBound, 0.98);
    m_aLabel->setText(QStringLiteral("a = 2/η = %1").arg(formatNumber(m_aBound)));

    m_sLine->setVisible(finiteS);
    m_sLine->point1->setCoords(1.0, finiteS ? m_sBound : 1.0);
    m_sLine->point2->setCoords(2.0, finiteS ? m_sBound : 1.0);
    m_sLabel->setVisible(finiteS);
    m_sLabel->position->setCoords(0.01, finiteS ? m_sBound : 0.0);
    fitSBoundLabel();
    placeRegion();

    updateTitle();
    if (followsData())
        fitView();
    scheduleReplot();
}

void StabilityDiagram::placeRegion()
{
    // The stable region: [0, 2/η] × [0, s bound]; for GD the band up to the top of the view. On
    // log axes 0 lies infinitely far down: the region starts at the view's left and bottom edges.
    // Each type first: setType converts the current coordinates to keep the pixel position.
    const bool valid = std::isfinite(m_aBound);
    const bool finiteS = std::isfinite(m_sBound);
    m_region->setVisible(valid);
    m_region->topLeft->setTypeX(m_logAxes ? QCPItemPosition::ptAxisRectRatio : QCPItemPosition::ptPlotCoords);
    m_region->topLeft->setTypeY(finiteS ? QCPItemPosition::ptPlotCoords : QCPItemPosition::ptAxisRectRatio);
    m_region->topLeft->setCoords(0.0, finiteS ? m_sBound : 0.0);
    m_region->bottomRight->setTypeY(m_logAxes ? QCPItemPosition::ptAxisRectRatio : QCPItemPosition::ptPlotCoords);
    m_region->bottomRight->setCoords(valid ? m_aBound : 0.0, m_logAxes ? 1.0 : 0.0);
}

void StabilityDiagram::setLogAxes(bool log)
{
    if (log == m_logAxes)
        return;
    m_logAxes = log;
    for (QCPAxis* axis : {customPlot()->xAxis, customPlot()->yAxis})
        setAxisLogarithmic(axis, log);
    placeRegion();
    fitView();
    scheduleReplot();
}

void StabilityDiagram::setWhatIfPoint(double a, double s, Verdict verdict, const QString& text)
{
    if (!std::isfinite(a) || !std::isfinite(s)) {
        clearWhatIfPoint();
        return;
    }
    m_whatIfVerdict = verdict;
    m_whatIf->setData(QVector<double>{a}, QVector<double>{s}, true);
    m_whatIfLabel->position->setCoords(a, s);
    m_whatIfLabel->setText(text);
    m_whatIfLabel->setVisible(true);
    applyWhatIfColors();
    if (followsData())
        fitView();
    scheduleReplot();
}

void StabilityDiagram::clearWhatIfPoint()
{
    m_whatIf->data()->clear();
    m_whatIfLabel->setVisible(false);
    m_whatIfVerdict = Verdict::Pending;
    scheduleReplot();
}

void StabilityDiagram::applyWhatIfColors()
{
    // Fixed meanings in both themes: green stable, red unstable, the text colour while unknown.
    QColor color = theme().foreground;
    if (m_whatIfVerdict == Verdict::Stable)
        color = QColor(0x2e, 0x9d, 0x3a);
    else if (m_whatIfVerdict == Verdict::Unstable)
        color = QColor(0xd3, 0x2f, 0x2f);
    const Qt::PenStyle style = m_whatIfVerdict == Verdict::Pending ? Qt::DotLine : Qt::SolidLine;
    m_whatIf->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color, 2.5, style), Qt::NoBrush, whatIfRingSize));
    m_whatIfLabel->setColor(color);
}

void StabilityDiagram::placeWhatIfLabel()
{
    // Above and right of the ring unless that side runs out of the axes, which clip items: the
    // view's headroom is a share of the range, so a minimum at the top of a short panel, or just
    // left of a = 2/η in a narrow one, has less room than the label's pixels. The other side
    // then, or the roomier one when neither fits.
    const QCPAxisRect* rect = customPlot()->axisRect();
    const QPointF centre = m_whatIfLabel->position->pixelPosition();
    const QFontMetrics metrics(m_whatIfLabel->font());
    const QRect text = metrics.boundingRect(0, 0, 0, 0, Qt::TextDontClip | m_whatIfLabel->textAlignment(),
                                            m_whatIfLabel->text());
    const int beside = int(whatIfRingSize / 2) + 2;
    const int over = int(whatIfRingSize / 2);
    const double roomAbove = centre.y() - rect->top();
    const double roomBelow = rect->bottom() - centre.y();
    const double roomRight = rect->right() - centre.x();
    const double roomLeft = centre.x() - rect->left();
    const bool above = roomAbove >= over + text.height() || roomAbove >= roomBelow;
    const bool right = roomRight >= beside + text.width() || roomRight >= roomLeft;
    m_whatIfLabel->setPositionAlignment((right ? Qt::AlignLeft : Qt::AlignRight)
                                        | (above ? Qt::AlignBottom : Qt::AlignTop));
    m_whatIfLabel->setPadding(QMargins(right ? beside : 0, above ? 0 : over, right ? 0 : beside, above ? over : 0));
}

void StabilityDiagram::setBoundDragEnabled(bool enabled)
{
    m_boundDragEnabled = enabled;
    if (!enabled) {
        onBoundRelease();
        customPlot()->unsetCursor();
    }
}

bool StabilityDiagram::nearSharpnessBound(double x) const
{
    return m_boundDragEnabled && m_aLine->visible()
           && std::abs(x - customPlot()->xAxis->coordToPixel(m_aBound)) <= boundGrabPx;
}

void StabilityDiagram::onBoundPress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !nearSharpnessBound(event->position().x())
        || !customPlot()->axisRect()->rect().contains(event->position().toPoint()))
        return;
    m_draggingBound = true;
    customPlot()->setInteraction(QCP::iRangeDrag, false);
}

void StabilityDiagram::onBoundMove(QMouseEvent* event)
{
    const double x = event->position().x();
    if (!m_draggingBound) {
        if (nearSharpnessBound(x))
            customPlot()->setCursor(Qt::SizeHorCursor);
        else if (m_boundDragEnabled)
            customPlot()->unsetCursor();
        return;
    }
    const double a = customPlot()->xAxis->pixelToCoord(x);
    if (a > 0.0)
        Q_EMIT sharpnessBoundDragged(2.0 / a);
}

void StabilityDiagram::onBoundRelease()
{
    if (!m_draggingBound)
        return;
    m_draggingBound = false;
    customPlot()->setInteraction(QCP::iRangeDrag, true);
}

void StabilityDiagram::fitSBoundLabel()
{
    // The longest of these that fits left of the a bound (and its label): the formula and the
    // sampling it is for, then the value and the sampling, then the value alone in a narrow view
    // (the title still names the sampling).
    const bool replacement = m_draw == core::BatchDraw::WithReplacement;
    const QString value = QStringLiteral("s = %1").arg(formatNumber(m_sBound));
    const QString sampling = replacement ? QStringLiteral("(with replacement)") : QStringLiteral("(B-subsets)");
    const QString formula = replacement ? QStringLiteral("s = √B/η") : QStringLiteral("s = √(B(n−1)/(n−B))/η");
    const QString longer[] = {QStringLiteral("%1 = %2 %3").arg(formula, formatNumber(m_sBound), sampling),
                              QStringLiteral("%1 %2").arg(value, sampling)};
    const QCPAxisRect* rect = customPlot()->axisRect();
    const QFontMetrics metrics(m_sLabel->font());
    const QMargins pad = m_sLabel->padding();
    const double left = rect->left() + m_sLabel->position->coords().x() * rect->width();
    const double room = customPlot()->xAxis->coordToPixel(m_aBound) - left
                        - (metrics.height() + pad.top() + pad.bottom()) - boundLabelGapPx;
    QString text = value;
    for (const QString& candidate : longer) {
        if (metrics.horizontalAdvance(candidate) + pad.left() + pad.right() <= room) {
            text = candidate;
            break;
        }
    }
    m_sLabel->setText(text);
}

void StabilityDiagram::setTitle(const QString& caption)
{
    m_caption = caption;
    updateTitle();
}

void StabilityDiagram::updateTitle()
{
    QString title = m_caption + QStringLiteral(" (Wu, Ma & E 2018)");
    if (std::isfinite(m_aBound)) {
        title += QStringLiteral(": η = %1, B = %2, n = %3").arg(formatNumber(m_eta)).arg(m_batchSize).arg(m_n);
        // Which sampling the s bound is for: Wu, Ma & E's Theorem is about B-subsets; epoch
        // shuffling, what most runs use, gets the same bound (its batches are B-subsets too).
        if (!std::isfinite(m_sBound))
            title += QStringLiteral(" (GD: no bound on s)");
        else if (m_draw == core::BatchDraw::WithReplacement)
            title += QStringLiteral("; s bound for B draws with replacement");
        else
            title += QStringLiteral("; s bound for B-subsets, used for epoch shuffling too");
    }
    PlotPanel::setTitle(title);
}

void StabilityDiagram::appendMeasurement(double a, double s)
{
    if (!std::isfinite(a) || !std::isfinite(s))
        return;
    if (m_runFinished) {
        m_points.clear();
        m_trajectory->data()->clear();
        m_tailProvisional = false;
        m_runFinished = false;
    }
    m_points.emplace_back(a, s);
    drawMeasurement(int(m_points.size()) - 1, laidOut());
    QVector<double> keys{a};
    QVector<double> values{s};
    m_current->setData(keys, values, true);
    scheduleReplot();
}

bool StabilityDiagram::laidOut() const
{
    // A hidden plot has a placeholder geometry: draw everything until it is shown and laid out.
    const QCPAxisRect* rect = customPlot()->axisRect();
    return customPlot()->isVisible() && rect->width() > 1 && rect->height() > 1
           && customPlot()->xAxis->range().size() > 0.0 && customPlot()->yAxis->range().size() > 0.0;
}

void StabilityDiagram::drawMeasurement(int i, bool laidOut)
{
    QCPCurveDataContainer* data = m_trajectory->data().data();
    if (m_tailProvisional) {
        data->remove((data->constEnd() - 1)->t);
        m_tailProvisional = false;
    }
    const QPointF& p = m_points[size_t(i)];
    if (!data->isEmpty() && laidOut) {
        // In pixels, so that it holds for linear and log axes alike.
        const QCPCurveData& last = *(data->constEnd() - 1);
        const QCPAxis* x = customPlot()->xAxis;
        const QCPAxis* y = customPlot()->yAxis;
        m_tailProvisional = std::abs(x->coordToPixel(last.key) - x->coordToPixel(p.x())) < trajectoryTolerancePx
                            && std::abs(y->coordToPixel(last.value) - y->coordToPixel(p.y())) < trajectoryTolerancePx;
    }
    m_trajectory->addData(double(i), p.x(), p.y());
    m_trajectory->setScatterSkip(std::max(0, m_trajectory->dataCount() / maxTrajectoryMarkers - 1));
}

void StabilityDiagram::redrawTrajectory()
{
    m_trajectory->data()->clear();
    m_tailProvisional = false;
    const bool shown = laidOut();
    for (int i = 0; i < int(m_points.size()); ++i)
        drawMeasurement(i, shown);
}

void StabilityDiagram::finishRun(double eta, int64_t batchSize, const QString& label)
{
    if (m_points.empty() || m_runFinished)
        return;
    m_session.push_back({m_points.back().x(), m_points.back().y(), eta, batchSize, label});
    m_runFinished = true;
    m_current->data()->clear();
    rebuildSessionGraphs();
    scheduleReplot();
}

void StabilityDiagram::setColorBy(ColorBy colorBy)
{
    if (colorBy == m_colorBy)
        return;
    m_colorBy = colorBy;
    rebuildSessionGraphs();
    scheduleReplot();
}

double StabilityDiagram::groupValue(const SessionPoint& p) const
{
    return m_colorBy == ColorBy::LearningRate ? p.eta : double(p.batchSize);
}

void StabilityDiagram::rebuildSessionGraphs()
{
    QCustomPlot* plot = customPlot();
    for (QCPGraph* g : std::as_const(m_sessionGraphs))
        plot->removeGraph(g);
    m_sessionGraphs.clear();
    m_sessionIndex.clear();

    // Group by value (ordered), each group's points by a (the order QCPGraph keeps).
    std::map<double, std::vector<int>> groups;
    for (int i = 0; i < int(m_session.size()); ++i)
        groups[groupValue(m_session[size_t(i)])].push_back(i);
    int groupNumber = 0;
    for (auto& [value, indices] : groups) {
        std::stable_sort(indices.begin(), indices.end(),
                         [this](int l, int r) { return m_session[size_t(l)].a < m_session[size_t(r)].a; });
        QVector<double> keys;
        QVector<double> values;
        for (int i : indices) {
            keys << m_session[size_t(i)].a;
            values << m_session[size_t(i)].s;
        }
        QCPGraph* g = plot->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setName(m_colorBy == ColorBy::LearningRate ? QStringLiteral("η = %1").arg(formatNumber(value))
                                                      : QStringLiteral("B = %1").arg(qint64(value)));
        g->setData(keys, values, true);
        const int shape = groupNumber % int(std::size(sessionShapes));
        g->setScatterStyle(QCPScatterStyle(sessionShapes[shape], 8));
        m_sessionGraphs << g;
        m_sessionIndex << indices;
        ++groupNumber;
    }
    applyTheme(theme());
}

void StabilityDiagram::clearSession()
{
    m_session.clear();
    rebuildSessionGraphs();
    scheduleReplot();
}

void StabilityDiagram::clear()
{
    m_points.clear();
    m_trajectory->data()->clear();
    m_tailProvisional = false;
    m_current->data()->clear();
    m_runFinished = false;
    resetView();
}

void StabilityDiagram::visitViewPoints(const std::function<void(double a, double s)>& visit) const
{
    for (const QPointF& p : m_points)
        visit(p.x(), p.y());
    for (const SessionPoint& p : m_session)
        visit(p.a, p.s);
    if (!m_whatIf->data()->isEmpty())
        visit(m_whatIf->data()->constBegin()->key, m_whatIf->data()->constBegin()->value);
}

void StabilityDiagram::fitView() const
{
    QCustomPlot* plot = customPlot();
    if (m_logAxes) {
        // From the smallest positive value to the largest, bounds included, with the same
        // headroom as a factor at both ends.
        double aLow = INFINITY, aHigh = 0.0, sLow = INFINITY, sHigh = 0.0;
        const auto include = [](double v, double& low, double& high) {
            if (v > 0.0 && std::isfinite(v)) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        };
        include(m_aBound, aLow, aHigh);
        include(m_sBound, sLow, sHigh);
        visitViewPoints([&](double a, double s) {
            if (std::isfinite(a) && std::isfinite(s)) {
                include(a, aLow, aHigh);
                include(s, sLow, sHigh);
            }
        });
        if (aHigh <= 0.0)
            aLow = 0.1, aHigh = 10.0;
        if (sHigh <= 0.0)   // GD without data: the a range
            sLow = aLow, sHigh = aHigh;
        plot->xAxis->setRange(aLow / kDiagramHeadroom, aHigh * kDiagramHeadroom);
        plot->yAxis->setRange(sLow / kDiagramHeadroom, sHigh * kDiagramHeadroom);
        return;
    }
    // Both axes from 0 (a and s are non-negative at a minimum) to past the data and the bounds.
    double aMin = 0.0;
    double aMax = std::isfinite(m_aBound) ? m_aBound : 0.0;
    double sMin = 0.0;
    double sMax = std::isfinite(m_sBound) ? m_sBound : 0.0;
    bool any = false;
    visitViewPoints([&](double a, double s) {
        if (!std::isfinite(a) || !std::isfinite(s))
            return;
        any = true;
        aMin = std::min(aMin, a);
        aMax = std::max(aMax, a);
        sMin = std::min(sMin, s);
        sMax = std::max(sMax, s);
    });
    if (sMax <= 0.0)   // GD without data: a square view of the a range
        sMax = any ? 1.0 : (aMax > 0.0 ? aMax : 1.0);
    if (aMax <= 0.0)
        aMax = 1.0;
    // A little room below the lower end too: points at s = 0 (where the escape toy ends) or at
    // a = 0 show whole instead of half under the axis.
    auto setRange = [](QCPAxis* axis, double lower, double upper) {
        const double pad = lowerPad * (upper - lower);
        axis->setRange(lower - pad, upper);
    };
    setRange(plot->xAxis, aMin * kDiagramHeadroom, aMax * kDiagramHeadroom);
    setRange(plot->yAxis, sMin * kDiagramHeadroom, sMax * kDiagramHeadroom);
}

void StabilityDiagram::applyTheme(const PlotTheme& t)
{
    const QPen boundPen = seriesPen(1, 1.8, Qt::DashLine);
    m_aLine->setPen(boundPen);
    m_sLine->setPen(boundPen);
    m_aLabel->setColor(t.seriesColor(1));
    m_sLabel->setColor(t.seriesColor(1));
    QColor fill = t.seriesColor(2);
    fill.setAlpha(regionAlpha);
    m_region->setBrush(fill);
    m_region->setPen(Qt::NoPen);
    m_regionEntry->setPen(boundPen);
    m_regionEntry->setBrush(fill);

    // Width 1 takes Qt's fast thin-line path: a dense 20,000-point trajectory replots 3x faster.
    m_trajectory->setPen(seriesPen(0, 1.0));
    m_trajectory->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, t.seriesColor(0), 4));
    m_current->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.foreground, 1.5), QBrush(t.seriesColor(0)), 10));
    applyWhatIfColors();
    for (int i = 0; i < m_sessionGraphs.size(); ++i) {
        QCPGraph* g = m_sessionGraphs[i];
        const QColor c = t.seriesColor(firstSessionColor + i);
        QCPScatterStyle style = g->scatterStyle();
        style.setPen(QPen(c.darker(130), 1.2));
        style.setBrush(c);
        g->setScatterStyle(style);
        g->setPen(QPen(c));
    }
}

QString StabilityDiagram::pointNote(const QCPAbstractPlottable* plottable, int index) const
{
    const int group = m_sessionGraphs.indexOf(const_cast<QCPGraph*>(qobject_cast<const QCPGraph*>(plottable)));
    if (group < 0 || index < 0 || index >= int(m_sessionIndex[group].size()))
        return {};
    const SessionPoint& p = m_session[size_t(m_sessionIndex[group][size_t(index)])];
    return QStringLiteral("%1 (η = %2, B = %3)").arg(p.label, formatNumber(p.eta)).arg(p.batchSize);
}

QString StabilityDiagram::toCsv() const
{
    using plotexport::csvNumber;
    QString csv = plotexport::csvRow({QStringLiteral("kind"), QStringLiteral("label"), QStringLiteral("eta"),
                                      QStringLiteral("batch_size"), QStringLiteral("a"), QStringLiteral("s")});
    const QString eta = csvNumber(m_eta);
    const QString batch = m_batchSize > 0 ? QString::number(m_batchSize) : QString();
    for (const QPointF& p : m_points) {
        csv += plotexport::csvRow(
            {QStringLiteral("trajectory"), QString(), eta, batch, csvNumber(p.x()), csvNumber(p.y())});
    }
    for (const SessionPoint& p : m_session) {
        csv += plotexport::csvRow({QStringLiteral("session"), p.label, csvNumber(p.eta), QString::number(p.batchSize),
                                   csvNumber(p.a), csvNumber(p.s)});
    }
    return csv;
}

}   // namespace minimascope::ui
