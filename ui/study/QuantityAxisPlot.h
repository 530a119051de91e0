#pragma once
// QuantityAxisPlot: a measured quantity of the finished runs of a study (a, s, test accuracy,
// train loss) against one of their settings (any axis of the study, η or B) or against another
// measure (e.g. test accuracy against a), as the seed reports draw them: every run a light point
// (hollow when it did not reach the loss target), and for a setting the mean over the runs of
// each value as a large marker, joined by a line; one such line per optimizer when the runs come
// from several (their η are different scales, so a mean over all of them at one η mixes unlike
// runs). Text-valued axes (optimizer names) are
// categories; a positive numeric x or y spanning a factor of 10 or more gets a log axis. Only done runs
// with both numbers finite take part. A click on a run's point reports it; highlighted runs get a
// ring. GUI thread only.
#include "PlotPanel.h"

#include "study/StudyStore.h"

#include <vector>

class QCPGraph;

namespace minimascope::ui {

class QuantityAxisPlot : public PlotPanel {
    Q_OBJECT
public:
    enum class Measure { Sharpness, NonUniformity, TestAccuracy, TrainLoss };
    struct XChoice {
        enum class Kind { Axis, Eta, BatchSize, Measure } kind = Kind::Eta;
        QString axis;                           // Kind::Axis: the study's axis key
        Measure measure = Measure::Sharpness;   // Kind::Measure
    };

    explicit QuantityAxisPlot(QWidget* parent = nullptr);

    void setRuns(const std::vector<core::StudyRunRecord>& runs);
    void setChoice(const XChoice& x, Measure y);
    XChoice xChoice() const { return m_x; }
    Measure yChoice() const { return m_y; }

    static QString measureName(Measure measure);
    static double measureOf(const core::StudyRunRecord& run, Measure measure);

    // One line of means: of every run (optimizer empty), or of one optimizer's runs. `runs`
    // holds the number of runs behind each of the graph's points, in its order.
    struct MeanLine {
        QString optimizer;
        QCPGraph* graph = nullptr;
        std::vector<int> runs;
    };
    // Light points (converged / not converged) and the lines of means; means only for a setting on x.
    QCPGraph* runGraph() const { return m_runs; }
    QCPGraph* notConvergedGraph() const { return m_hollow; }
    const std::vector<MeanLine>& meanLines() const { return m_means; }
    bool categorical() const { return !m_categories.isEmpty(); }
    // The category names of a text-valued x axis, at x = 0, 1, ...
    const QStringList& categories() const { return m_categories; }

    // Rings around these runs (indices into the runs), e.g. the selected rows.
    void setHighlighted(const std::vector<int>& runs);
    QCPGraph* highlightGraph() const { return m_highlight; }

    // kind,x,y,runs,optimizer: one row per run ("run") then per mean ("mean", with the number of
    // runs; the optimizer is empty for a mean over every run).
    QString toCsv() const override;
    void clear() override;

Q_SIGNALS:
    // A click on a single run's point.
    void runClicked(int run);

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;
    QString pointNote(const QCPAbstractPlottable* plottable, int index) const override;

private:
    void rebuild();
    QString xName() const;

    struct Point {
        double x, y;
        int run;
    };
    std::vector<core::StudyRunRecord> m_records;
    XChoice m_x;
    Measure m_y = Measure::Sharpness;
    QStringList m_categories;
    std::vector<Point> m_points;                  // drawn runs, in the order of m_runs then m_hollow data
    std::vector<int> m_runIndex, m_hollowIndex;   // run behind each drawn point (by graph order)
    QCPGraph* m_runs = nullptr;
    QCPGraph* m_hollow = nullptr;
    std::vector<MeanLine> m_means;
    QCPGraph* m_highlight = nullptr;
    std::vector<int> m_highlighted;
};

}   // namespace minimascope::ui
