#pragma once
// The numbers behind the 3D view, for ParaView, NumPy and spreadsheets: PREFIX.vts (VTK structured
// grid with loss and log-loss arrays), PREFIX.csv, PREFIX.npy and a PREFIX.json sidecar, written by
// the core's landscape exporter (atomically; no half-written file). GUI thread; no torch here.
#include "SurfaceData.h"

#include <QString>

namespace minimascope::ui {

// `vtsPath` names the .vts file; the others go beside it. False with a message naming the path
// when there is nothing to write or a file cannot be written.
bool exportSurfaceData(const SurfaceData& surface, const QString& vtsPath, QString* error);

}   // namespace minimascope::ui
