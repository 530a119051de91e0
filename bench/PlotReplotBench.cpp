// Replot cost of the 2D plot panels with 20,000 points (issue 6: "replot <= 10 ms at 20,000
// points"). Prints a Markdown table row per panel.
//   QT_QPA_PLATFORM=offscreen minimascope-bench-plots [points] [replots]
// Each panel is shown at 800x500 and filled with `points` points (default 20,000; LossPlot: that
// many evaluations, i.e. four series of that length). Then, `replots` times (default 100), one
// point is appended and the panel replots the way its coalescing timer does, but at once:
// fit the view to the data and draw (PlotPanel::replotNow, rpImmediateRefresh). Reported: median
// and 99th percentile of that wall time, and QCustomPlot's own replotTime() (drawing only).
// Three rounds; the best round (lowest median) is printed, the machine being shared and noisy.
#include "LossPlot.h"
#include "QCustomPlotInclude.h"
#include "SharpnessPlot.h"
#include "StabilityDiagram.h"

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

using namespace minimascope::ui;

namespace {

constexpr int rounds = 3;
constexpr int warmup = 5;

struct Stats {
    double median = 0, p99 = 0, drawMedian = 0;
};

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(std::ceil(q * double(v.size())) - 1));
    return v[i];
}

// `append(k)` adds the k-th extra point.
Stats measure(PlotPanel& panel, int replots, const std::function<void(int)>& append)
{
    for (int i = 0; i < warmup; ++i)
        panel.replotNow();
    std::vector<double> wall;
    std::vector<double> draw;
    QElapsedTimer timer;
    for (int k = 0; k < replots; ++k) {
        append(k);
        timer.start();
        panel.replotNow();
        wall.push_back(double(timer.nsecsElapsed()) * 1e-6);
        draw.push_back(panel.customPlot()->replotTime());
    }
    return {percentile(wall, 0.5), percentile(wall, 0.99), percentile(draw, 0.5)};
}

Stats best(const std::function<Stats()>& round)
{
    Stats result = round();
    for (int r = 1; r < rounds; ++r) {
        const Stats s = round();
        if (s.median < result.median)
            result = s;
    }
    return result;
}

void print(const char* name, int points, const Stats& s)
{
    std::printf("| %s | %d | %.2f | %.2f | %.2f |\n", name, points, s.median, s.p99, s.drawMedian);
    std::fflush(stdout);
}

void show(PlotPanel& panel)
{
    panel.resize(800, 500);
    panel.show();
    QApplication::processEvents();
}

}   // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int points = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int replots = argc > 2 ? std::atoi(argv[2]) : 100;
    std::printf("| panel | points | median ms | p99 ms | draw only (median) ms |\n|---|---:|---:|---:|---:|\n");

    {
        LossPlot plot;
        show(plot);
        auto add = [&plot](int i) {
            const double t = i;
            plot.appendEvaluation(t, 2.3 * std::exp(-t / 4000.0) + 0.01 * std::sin(t),
                                  2.4 * std::exp(-t / 5000.0) + 0.3, 1.0 - 0.9 * std::exp(-t / 3000.0),
                                  0.85 - 0.7 * std::exp(-t / 3000.0));
        };
        for (int i = 0; i < points; ++i)
            add(i);
        int next = points;
        print("LossPlot (4 series)", points, best([&] { return measure(plot, replots, [&](int) { add(next++); }); }));
        plot.setLogScale(true);
        print("LossPlot, log scale", points, best([&] { return measure(plot, replots, [&](int) { add(next++); }); }));
    }
    {
        SharpnessPlot plot;
        show(plot);
        plot.setLearningRate(0.1);
        auto add = [&plot](int i) {
            plot.appendSharpness(i, 20.0 * (1.0 - std::exp(-i / 3000.0)) + 0.4 * std::sin(i * 0.7));
        };
        for (int i = 0; i < points; ++i)
            add(i);
        int next = points;
        print("SharpnessPlot", points, best([&] { return measure(plot, replots, [&](int) { add(next++); }); }));
    }
    // Two trajectories: one drifting with small measurement noise (most points within a pixel of
    // their neighbours, as when (a, s) is measured every few iterations), and a worst case whose
    // noise puts nearly every point several pixels from the previous one.
    const struct {
        const char* name;
        double noise;
    } trajectories[] = {{"StabilityDiagram, smooth trajectory + 30 session points", 0.05},
                        {"StabilityDiagram, noisy trajectory (worst case) + 30 session points", 0.3}};
    for (const auto& trajectory : trajectories) {
        StabilityDiagram plot;
        show(plot);
        plot.setBounds(0.1, 10, 1000);
        for (int r = 0; r < 30; ++r) {
            plot.appendMeasurement(5.0 + r % 10, 3.0 + r % 7);
            plot.finishRun(r % 3 == 0 ? 0.1 : r % 3 == 1 ? 0.05 : 0.2, 10, QStringLiteral("run"));
        }
        const double noise = trajectory.noise;
        auto add = [&plot, noise](int i) {
            const double u = 1.0 - std::exp(-i / 4000.0);
            plot.appendMeasurement(4.0 + 14.0 * u + noise * std::sin(i * 0.37),
                                   3.0 + 20.0 * u + noise * std::cos(i * 0.53));
        };
        for (int i = 0; i < points; ++i)
            add(i);
        int next = points;
        print(trajectory.name, points, best([&] { return measure(plot, replots, [&](int) { add(next++); }); }));
        std::printf("|   (drawn trajectory points: %d of %d) | | | | |\n", plot.trajectory()->dataCount(),
                    int(plot.trajectoryPoints().size()));
    }
    return 0;
}
