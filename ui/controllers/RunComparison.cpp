#include "controllers/RunComparison.h"

#include "common/InputError.h"
#include "controllers/SpectraFolder.h"
#include "io/AtomicFile.h"
#include "io/StrictJson.h"
#include "landscape/SurfaceExport.h"
#include "train/RunFolder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

namespace minimascope::ui {

std::string runFolderName(const std::string& runDir)
{
    std::filesystem::path path = std::filesystem::path(runDir).lexically_normal();
    if (!path.has_filename())
        path = path.parent_path();
    return path.filename().string();
}

RunCurve readRunCurve(const std::string& runDir, const std::string& name, const QString& label)
{
    const std::string path = runDir + "/" + name + ".vts";
    if (!std::filesystem::exists(path))
        throw core::InputError(path + ": no such landscape (compute it with 'minimascope-cli landscape --run " + runDir
                               + " --dims 1 --out " + runDir + "/" + name + "')");
    const core::LandscapeGrid grid = core::readSurfaceVts(path);
    if (grid.ys.size() != 1)
        throw core::InputError(path + ": a surface of " + std::to_string(grid.xs.size()) + " x "
                               + std::to_string(grid.ys.size()) + " points, not a curve (--dims 1)");
    RunCurve curve;
    curve.label = label;
    curve.alphas = grid.xs;
    curve.losses = grid.loss;
    // The direction kind is in the sidecar PREFIX.json beside PREFIX.vts.
    if (const std::string sidecar = runDir + "/" + name + ".json"; std::filesystem::exists(sidecar))
        curve.directions = core::parseStrictJson(core::readWholeFile(sidecar), sidecar).value("directions", "");
    return curve;
}

SnapshotSpectrum readRunSpectrum(const std::string& runDir, int64_t iteration)
{
    const core::RunFolderInfo run = core::readRunFolderInfo(runDir);
    const std::vector<SnapshotSpectrum> spectra = readSpectraFolder(runDir, run.runId);
    if (spectra.empty()) {
        const std::string analysis = runDir + "/analysis.json";
        if (iteration >= 0 || !std::filesystem::exists(analysis))
            throw core::InputError(runDir + " has no spectra/" + (iteration >= 0 ? "" : " and no analysis.json")
                                   + ": run 'minimascope-cli analyze --run " + runDir
                                   + (iteration >= 0 ? " --snapshots" : "") + " --quantities sharpness,density' first");
        return readAnalysisSpectrum(analysis, run.runId);
    }
    if (iteration < 0)
        return spectra.back();
    std::string available;
    for (const SnapshotSpectrum& spectrum : spectra) {
        if (spectrum.iteration == static_cast<double>(iteration))
            return spectrum;
        available += (available.empty() ? "" : ", ") + std::to_string(static_cast<long long>(spectrum.iteration));
    }
    throw core::InputError(runDir + "/spectra has no analysis of iteration " + std::to_string(iteration) + " (it has "
                           + available + ")");
}

std::vector<std::string> commonRunCurves(const std::vector<std::string>& runDirs)
{
    std::set<std::string> common;
    for (size_t k = 0; k < runDirs.size(); ++k) {
        std::set<std::string> names;
        std::error_code error;
        for (std::filesystem::directory_iterator it(runDirs[k], error), end; !error && it != end; it.increment(error))
            if (it->path().extension() == ".vts")
                names.insert(it->path().stem().string());
        if (k == 0)
            common = std::move(names);
        else
            for (auto it = common.begin(); it != common.end();)
                it = names.count(*it) ? std::next(it) : common.erase(it);
    }
    return {common.begin(), common.end()};
}

}   // namespace minimascope::ui
