#include "controllers/SurfaceDataExport.h"

#include "common/InputError.h"
#include "landscape/SurfaceExport.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace minimascope::ui {

bool exportSurfaceData(const SurfaceData& surface, const QString& vtsPath, QString* error)
{
    if (!surface.isValid()) {
        if (error)
            *error = QStringLiteral("Cannot export %1: there is no surface yet (compute one first)").arg(vtsPath);
        return false;
    }
    core::LandscapeGrid grid;
    grid.xs = surface.xs;
    grid.ys = surface.ys;
    grid.loss = surface.values;
    // The view keeps the loss only; accuracy is written as "not measured".
    grid.accuracy.assign(surface.values.size(), std::nan(""));
    const nlohmann::json description{{"source", "minimascope desktop application (3D view)"},
                                     {"x_label", surface.xLabel.toStdString()},
                                     {"y_label", surface.yLabel.toStdString()},
                                     {"value", surface.valueLabel.toStdString()}};
    QString prefix = vtsPath;
    if (prefix.endsWith(QLatin1String(".vts"), Qt::CaseInsensitive))
        prefix.chop(4);
    try {
        core::exportSurface(prefix.toStdString(), grid, description);
    } catch (const core::InputError& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

}   // namespace minimascope::ui
