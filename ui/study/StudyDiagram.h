#pragma once
// StudyDiagram: the stability diagram of a study: every finished run as one (a, s) point, colored
// by η, by B or by optimizer (one legend entry per value). A run that finished without reaching
// the loss target is drawn hollow (it need not be a minimum, so the Theorem does not speak of
// it) under one "not converged" legend entry; diverged, failed, running and to-do runs are not
// drawn. The bounds (StabilityDiagram::setBounds) are those of one run the window picks. A click
// on a point reports its run; highlighted runs get a ring. GUI thread only.
#include "StabilityDiagram.h"

#include "study/StudyStore.h"

#include <QList>

#include <vector>

namespace minimascope::ui {

class StudyDiagram : public StabilityDiagram {
    Q_OBJECT
public:
    enum class Grouping { LearningRate, BatchSize, Optimizer };

    // The points of one value of the grouping: converged runs filled, the others hollow. The
    // run lists hold indices into the runs given to setRuns(), in the graphs' (a-sorted) order.
    struct Group {
        QString label;
        QCPGraph* filled = nullptr;
        QCPGraph* hollow = nullptr;
        std::vector<int> filledRuns;
        std::vector<int> hollowRuns;
    };

    explicit StudyDiagram(QWidget* parent = nullptr);

    void setRuns(const std::vector<core::StudyRunRecord>& runs);
    void setGrouping(Grouping grouping);
    Grouping grouping() const { return m_grouping; }
    const QList<Group>& groups() const { return m_groups; }
    // The legend entry of the hollow points (hidden when every drawn run converged).
    QCPGraph* notConvergedEntry() const { return m_notConvergedEntry; }
    // Whether a run is drawn: done, with a finite a and s.
    static bool isPlotted(const core::StudyRunRecord& run);
    // Whether the drawn runs' a or s span a factor of kLogAxisSpan or more, which log axes
    // (setLogAxes) show better: the study window's default.
    static bool suggestsLogAxes(const std::vector<core::StudyRunRecord>& runs);

    // Rings around these runs (indices into the runs), e.g. the selected rows.
    void setHighlighted(const std::vector<int>& runs);
    QCPGraph* highlightGraph() const { return m_highlight; }

    // run,axes,optimizer,eta,batch_size,a,s,converged: one row per drawn run.
    QString toCsv() const override;

Q_SIGNALS:
    void runClicked(int run);

protected:
    void visitViewPoints(const std::function<void(double a, double s)>& visit) const override;
    void applyTheme(const PlotTheme& theme) override;
    QString pointNote(const QCPAbstractPlottable* plottable, int index) const override;

private:
    void rebuild();
    // The run behind point `index` of `plottable`, or -1.
    int runAt(const QCPAbstractPlottable* plottable, int index) const;

    std::vector<core::StudyRunRecord> m_runs;
    QList<Group> m_groups;
    std::vector<int> m_highlighted;
    QCPGraph* m_highlight = nullptr;
    QCPGraph* m_notConvergedEntry = nullptr;
    Grouping m_grouping = Grouping::LearningRate;
};

}   // namespace minimascope::ui
