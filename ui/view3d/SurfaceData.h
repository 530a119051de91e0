#pragma once
// What the 3D panel draws: a loss surface sampled on a rectilinear (x, y) grid, plain numbers
// with no torch or VTK types, so that the worker can hand it to the GUI thread by value.
#include <QPointF>
#include <QString>

#include <algorithm>
#include <functional>
#include <vector>

namespace minimascope::ui {

// Log colors and heights use log10 of the values; values <= 0 are drawn at the smallest positive one.
enum class ColorScale { Linear, Log };
enum class CameraPreset { Iso, Top, Front, Side };

struct SurfaceData {
    std::vector<double> xs;            // alpha coordinates, ascending, size nx
    std::vector<double> ys;            // beta coordinates, ascending, size ny
    std::vector<double> values;        // loss, row-major [ny][nx]; NaN = not computed yet
    std::vector<QPointF> trajectory;   // a path projected on the (x, y) plane; may be empty
    QString xLabel = QStringLiteral("α");
    QString yLabel = QStringLiteral("β");
    QString valueLabel = QStringLiteral("loss");

    int nx() const { return static_cast<int>(xs.size()); }
    int ny() const { return static_cast<int>(ys.size()); }
    // At least 2x2 points, strictly ascending coordinates and nx*ny values.
    bool isValid() const
    {
        const auto ascending = [](const std::vector<double>& v) {
            return std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end();
        };
        return nx() >= 2 && ny() >= 2 && values.size() == xs.size() * ys.size() && ascending(xs) && ascending(ys);
    }
    double at(int i, int j) const { return values[static_cast<size_t>(j) * xs.size() + static_cast<size_t>(i)]; }
};

}   // namespace minimascope::ui
