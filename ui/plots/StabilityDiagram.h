#pragma once
// StabilityDiagram: the sharpness–non-uniformity plane of Wu, Ma & E (2018). x = sharpness
// a = λmax(H), y = non-uniformity s = sqrt(λmax(Σ)). A minimum is linearly stable for SGD with
// learning rate η and batch size B out of n examples only if a ≤ 2/η and s ≤ its bound
// (core/analysis/StabilityBounds.h): sqrt(B(n−1)/(n−B))/η for B-subsets drawn without
// replacement, the Theorem's setting, which the app also uses for epoch shuffling, and √B/η
// for B draws with replacement; the title and the bound's label say which. The rectangle the
// two bounds enclose is shaded (GD, B = n without replacement, has no s bound: the band a ≤ 2/η
// is shaded). The current run's (a, s) trajectory is a line with markers; finished runs of the
// session stay as points colored by η or by B, one legend entry per value. The drawn trajectory
// leaves out points closer than a pixel to the previous drawn one (exact values, no averaging;
// the latest point is always drawn), so that 20,000 measurements replot within 10 ms; it is
// redone whenever the view changes. The what-if (WhatIfController) marks the run's own minimum
// with the Theorem's verdict at the drawn (η, B) and may let the user drag the a bound's line.
// GUI thread only.
#include "PlotPanel.h"

#include "analysis/StabilityBounds.h"

#include <QPointF>

#include <cstdint>
#include <functional>
#include <vector>

class QCPCurve;
class QCPGraph;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;

namespace minimascope::ui {

class StabilityDiagram : public PlotPanel {
    Q_OBJECT

public:
    enum class ColorBy { LearningRate, BatchSize };

    explicit StabilityDiagram(QWidget* parent = nullptr);

    // The caption of the title (default "Stability diagram"); the title always adds the source,
    // "(Wu, Ma & E 2018)", the η, B and n of the bounds and how the s bound draws the batches.
    void setTitle(const QString& caption) override;

    // The bounds of the run being shown: n is the number of examples the run trains on, B its
    // effective batch size. eta <= 0, batchSize <= 0 or n <= 0 hide them; a batchSize above n
    // counts as n (without replacement: GD, no s bound).
    void setBounds(double eta, int64_t batchSize, int64_t n,
                   core::BatchDraw draw = core::BatchDraw::WithoutReplacement);
    // 2/η; NaN when no bounds are set.
    double sharpnessBound() const { return m_aBound; }
    // sqrt(B(n−1)/(n−B))/η or √B/η (see above); +infinity for GD; NaN when no bounds are set.
    double nonUniformityBound() const { return m_sBound; }
    core::BatchDraw batchDraw() const { return m_draw; }

    // Log axes for both a and s, for points spread over decades (a study of several optimizers
    // spans a from 0.04 to 190, which squeezes the SGD runs into a corner of linear axes). Values
    // ≤ 0 are not drawn on them; the stable region then starts at the view's lower edges.
    void setLogAxes(bool log);
    bool logAxes() const { return m_logAxes; }

    // One (a, s) measurement of the current run; a pair with a NaN or infinite value (e.g. s not
    // measured) is ignored. The first one after finishRun() starts a new trajectory (the finished
    // run's stays visible until then).
    void appendMeasurement(double a, double s);
    // Keeps the current run's last (a, s) as a session point (nothing if it has no measurement).
    void finishRun(double eta, int64_t batchSize, const QString& label);

    void setColorBy(ColorBy colorBy);
    ColorBy colorBy() const { return m_colorBy; }
    void clearSession();
    int sessionPointCount() const { return int(m_session.size()); }

    // The what-if: the run's own minimum (a, s) ringed in the colour of the Theorem's verdict at
    // the drawn bounds' (η, B), with `text` beside it; Pending while that verdict is computed.
    enum class Verdict { Pending, Stable, Unstable, Undetermined };
    void setWhatIfPoint(double a, double s, Verdict verdict, const QString& text);
    void clearWhatIfPoint();
    Verdict whatIfVerdict() const { return m_whatIfVerdict; }
    QCPGraph* whatIfPoint() const { return m_whatIf; }
    QCPItemText* whatIfLabel() const { return m_whatIfLabel; }
    // Lets a left drag that starts within a few pixels of the a = 2/η line move it (instead of
    // panning): sharpnessBoundDragged(2/a) follows the mouse; the bounds move when the receiver
    // calls setBounds().
    void setBoundDragEnabled(bool enabled);
    bool isBoundDragEnabled() const { return m_boundDragEnabled; }

    // For tests and the window: the drawn items and series.
    QCPItemStraightLine* sharpnessBoundLine() const { return m_aLine; }
    QCPItemStraightLine* nonUniformityBoundLine() const { return m_sLine; }
    QCPItemRect* stableRegion() const { return m_region; }
    QCPItemText* sharpnessBoundLabel() const { return m_aLabel; }
    QCPItemText* nonUniformityBoundLabel() const { return m_sLabel; }
    // The drawn trajectory (see above) and every measurement of the current run, in order.
    QCPCurve* trajectory() const { return m_trajectory; }
    const std::vector<QPointF>& trajectoryPoints() const { return m_points; }
    // One graph per distinct η (or B) among the session points, in increasing order of the value.
    QList<QCPGraph*> sessionGraphs() const { return m_sessionGraphs; }

    // kind,label,eta,batch_size,a,s: the trajectory rows ("trajectory") then the session points
    // ("session").
    QString toCsv() const override;
    // Removes the current trajectory; bounds and session points stay (see clearSession()).
    void clear() override;

Q_SIGNALS:
    void sharpnessBoundDragged(double eta);

protected:
    // Fits both axes around the bounds and every point visitViewPoints() gives.
    void fitView() const override;
    // Calls visit(a, s) for each point the view should hold: the trajectory, the session points
    // and the what-if point; a subclass drawing other points gives those.
    virtual void visitViewPoints(const std::function<void(double a, double s)>& visit) const;
    void applyTheme(const PlotTheme& theme) override;
    QString pointNote(const QCPAbstractPlottable* plottable, int index) const override;

private:
    struct SessionPoint {
        double a, s, eta;
        int64_t batchSize;
        QString label;
    };
    double groupValue(const SessionPoint& p) const;
    void rebuildSessionGraphs();
    // Whether the plot is shown and laid out, so that pixel distances mean something.
    bool laidOut() const;
    // Adds measurement i to the drawn trajectory, or replaces the provisional last point; before
    // the first layout (laidOut false) every measurement is drawn.
    void drawMeasurement(int i, bool laidOut);
    // Places the stable region for the bounds and the axes' scale.
    void placeRegion();
    // Redraws the trajectory for the current view (ranges and axis rect size).
    void redrawTrajectory();
    void updateTitle();
    // The s bound's label: with its formula when that fits beside the a bound's label.
    void fitSBoundLabel();
    void applyWhatIfColors();
    // Puts the what-if label on the side of its ring that keeps it inside the axes.
    void placeWhatIfLabel();
    // Whether a press at pixel x grabs the a bound's line.
    bool nearSharpnessBound(double x) const;
    void onBoundPress(QMouseEvent* event);
    void onBoundMove(QMouseEvent* event);
    void onBoundRelease();

    QCPCurve* m_trajectory = nullptr;
    QCPGraph* m_current = nullptr;       // the latest measurement, drawn larger
    QCPGraph* m_regionEntry = nullptr;   // legend entry of the region and its bounds
    QCPItemStraightLine* m_aLine = nullptr;
    QCPItemStraightLine* m_sLine = nullptr;
    QCPItemRect* m_region = nullptr;
    QCPItemText* m_aLabel = nullptr;
    QCPItemText* m_sLabel = nullptr;
    QList<QCPGraph*> m_sessionGraphs;
    // For each session graph, the indices into m_session of its points in the graph's order.
    QList<std::vector<int>> m_sessionIndex;
    std::vector<SessionPoint> m_session;
    std::vector<QPointF> m_points;
    bool m_tailProvisional = false;   // the drawn last point is within a pixel of the one before
    QString m_caption = QStringLiteral("Stability diagram");
    ColorBy m_colorBy = ColorBy::LearningRate;
    double m_aBound;
    double m_sBound;
    double m_eta;
    int64_t m_batchSize = 0;
    int64_t m_n = 0;
    core::BatchDraw m_draw = core::BatchDraw::WithoutReplacement;
    bool m_runFinished = false;
    QCPGraph* m_whatIf = nullptr;
    QCPItemText* m_whatIfLabel = nullptr;
    Verdict m_whatIfVerdict = Verdict::Pending;
    bool m_boundDragEnabled = false;
    bool m_draggingBound = false;
    bool m_logAxes = false;
};

}   // namespace minimascope::ui
