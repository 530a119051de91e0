#pragma once
// StudyPlots: the linked plots of the study window and their controls. The stability diagram
// (every finished run; color by η, B or optimizer; log axes when the runs span decades; the
// bounds of the selected run, else of the first drawn one), the loss and sharpness curves of the
// selected runs (read from their run folders), and a measured quantity against a setting
// (QuantityAxisPlot, x and y chosen in two combos). The window lays out the four panes and tells
// this class the runs and the selection (indices into the runs); a click on a point reports its
// run, for the window to select it.
// GUI thread only.
#include "study/RunCurvesReader.h"
#include "study/StudyStore.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <vector>

class QCheckBox;
class QComboBox;
class QWidget;

namespace minimascope::ui {

class PlotPanel;
class QuantityAxisPlot;
class RunCurvesPlot;
class StudyDiagram;
struct PlotTheme;

class StudyPlots : public QObject {
    Q_OBJECT
public:
    // The most runs whose curves are overlaid at once (the first ones selected).
    static constexpr int kMaxCurves = 16;

    explicit StudyPlots(QWidget* parent);

    QWidget* diagramPane() const { return m_diagramPane; }
    QWidget* quantityPane() const { return m_quantityPane; }
    QWidget* lossPane() const { return m_lossPane; }
    QWidget* sharpnessPane() const { return m_sharpnessPane; }
    StudyDiagram* diagram() const { return m_diagram; }
    QuantityAxisPlot* quantityPlot() const { return m_quantity; }
    RunCurvesPlot* lossCurves() const { return m_loss; }
    RunCurvesPlot* sharpnessCurves() const { return m_sharpness; }
    QComboBox* colorByBox() const { return m_colorBy; }
    QCheckBox* logDiagramBox() const { return m_logDiagram; }
    QComboBox* quantityXBox() const { return m_x; }
    QComboBox* quantityYBox() const { return m_y; }
    QList<QPair<QString, PlotPanel*>> panels() const;

    // The runs of the study (run folders relative to studyDir) and its axis keys.
    void setRuns(const std::vector<core::StudyRunRecord>& runs, const QString& studyDir, const QStringList& axisKeys);
    // Indices into the runs, in the order selected.
    void setSelection(const std::vector<int>& runs);
    void setTheme(const PlotTheme& theme);

Q_SIGNALS:
    void runClicked(int run);

private:
    void updateBounds();
    void updateCurves();
    void updateQuantity();
    // Refills the x combo for new axes; true when it did.
    bool fillXChoices(const QStringList& axisKeys);

    QWidget* m_diagramPane = nullptr;
    QWidget* m_quantityPane = nullptr;
    QWidget* m_lossPane = nullptr;
    QWidget* m_sharpnessPane = nullptr;
    StudyDiagram* m_diagram = nullptr;
    QuantityAxisPlot* m_quantity = nullptr;
    RunCurvesPlot* m_loss = nullptr;
    RunCurvesPlot* m_sharpness = nullptr;
    QComboBox* m_colorBy = nullptr;
    QComboBox* m_x = nullptr;
    QComboBox* m_y = nullptr;
    QCheckBox* m_logLoss = nullptr;
    QCheckBox* m_logDiagram = nullptr;
    bool m_logDiagramChosen = false;   // the user clicked m_logDiagram: the runs no longer decide

    std::vector<core::StudyRunRecord> m_runs;
    std::vector<int> m_selection;
    QString m_dir;
    QStringList m_axisKeys;
    // Curves of runs that have ended never change: read once.
    QHash<QString, RunCurveData> m_finishedCurves;
};

}   // namespace minimascope::ui
