#pragma once
// FitnessDistancePlot: the scatter of a fitness-distance sample (core/landscape/FitnessDistance.h,
// `minimascope-cli fdc`): every point's loss against its distance |w − w*| from the teacher's
// weights as a light marker, the mean loss at each distance as a line with markers, and the
// correlation r in the title. The loss axis is logarithmic when every drawn loss is > 0 (away from
// w* the loss spans decades), linear otherwise; a log axis reaches at most 8 decades below the
// largest loss, and lower losses (a noiseless teacher's own, ~1e-15) are drawn at that floor and
// counted in the title. Points whose distance or loss is not finite are left out of the plot and
// counted in the title. GUI thread only.
#include "PlotPanel.h"

#include <cstdint>
#include <vector>

namespace minimascope::ui {

struct FitnessDistancePoint {
    double distance = 0.0;
    uint64_t seed = 0;   // of the point's random direction
    double loss = 0.0;
};

class FitnessDistancePlot : public PlotPanel {
    Q_OBJECT

public:
    explicit FitnessDistancePlot(QWidget* parent = nullptr);

    // Replaces the sample. `correlation` is r over the finite points (the core computes it); when
    // it is NaN, `undefinedReason` says why and the title shows it.
    void setSample(const std::vector<FitnessDistancePoint>& points, double correlation,
                   const QString& undefinedReason = {});

    // The drawn points by increasing distance (those of one distance in the given order).
    QCPGraph* pointsGraph() const { return m_points; }
    // The mean loss of the drawn points at each distance, by increasing distance.
    QCPGraph* meanGraph() const { return m_mean; }
    bool logLoss() const { return m_logLoss; }

    // distance,seed,loss (PREFIX.csv's columns): every point as given, those left out of the plot
    // included.
    QString toCsv() const override;
    void clear() override;

protected:
    void applyTheme(const PlotTheme& theme) override;
    // The seed of a point, to recompute it (`fdc --seed`).
    QString pointNote(const QCPAbstractPlottable* plottable, int index) const override;

private:
    QCPGraph* m_points = nullptr;
    QCPGraph* m_mean = nullptr;
    std::vector<FitnessDistancePoint> m_sample;
    std::vector<uint64_t> m_drawnSeeds;   // the seed of each point of m_points, in its order
    bool m_logLoss = false;
};

}   // namespace minimascope::ui
