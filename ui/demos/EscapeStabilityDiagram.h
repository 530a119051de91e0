#pragma once
// The stability diagram of the escape-toy lesson: the house StabilityDiagram (bounds for the
// lesson's η and B over n = 2, the stable region shaded) plus the toy's two minima as labelled
// points. Each label gives the minimum's (a, s) and the verdict of Wu, Ma & E's theorem, which in
// one dimension is exact: stable iff (1 − ηa)² + η² c s² ≤ 1, c = (n − B)/(B(n − 1)).
// GUI thread only.
#include "StabilityDiagram.h"

#include <QString>

#include <vector>

class QCPGraph;
class QCPItemText;

namespace minimascope::ui {

class EscapeStabilityDiagram : public StabilityDiagram {
    Q_OBJECT

public:
    struct Minimum {
        double x = 0.0;
        double a = 0.0;
        double s = 0.0;
    };

    explicit EscapeStabilityDiagram(QWidget* parent = nullptr);

    // The minima (a, s measured by the app) and the η and B the bounds and verdicts are for.
    void setMinima(const std::vector<Minimum>& minima);
    void setLesson(double eta, int batchSize);

    // (1 − ηa)² + η² c s² for minimum i at the current η and B; stable iff <= 1.
    double stabilityQuantity(int i) const;
    bool isStable(int i) const { return stabilityQuantity(i) <= 1.0; }
    const std::vector<Minimum>& minima() const { return m_minima; }
    QCPGraph* minimaGraph() const { return m_graph; }
    // The label drawn beside minimum i.
    QString minimumLabel(int i) const;

    QString toCsv() const override;

protected:
    void fitView() const override;
    void applyTheme(const PlotTheme& theme) override;
    QString pointNote(const QCPAbstractPlottable* plottable, int index) const override;

private:
    void updateLabels();

    std::vector<Minimum> m_minima;
    std::vector<QCPItemText*> m_labels;
    QCPGraph* m_graph = nullptr;
    double m_eta = 0.7;
    int m_batchSize = 1;
};

}   // namespace minimascope::ui
