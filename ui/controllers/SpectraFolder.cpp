#include "controllers/SpectraFolder.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace minimascope::ui {

std::vector<SnapshotSpectrum> readSpectraFolder(const std::string& runDir, const std::string& runId)
{
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code error;
    for (fs::directory_iterator it(runDir + "/spectra", error), end; !error && it != end; it.increment(error))
        if (it->path().extension() == ".json" && it->path().filename().string().rfind("iter_", 0) == 0)
            files.push_back(it->path().string());
    std::sort(files.begin(), files.end());   // iter_NNNNNNNN: zero-padded, so in iteration order
    std::vector<SnapshotSpectrum> spectra;
    for (const std::string& path : files) {
        SnapshotSpectrum spectrum = readAnalysisSpectrum(path, runId);
        if (std::isnan(spectrum.iteration))
            throw core::InputError(path + ": not an analysis report of a snapshot (it has no iteration)");
        spectra.push_back(std::move(spectrum));
    }
    return spectra;
}

SnapshotSpectrum readAnalysisSpectrum(const std::string& path, const std::string& runId)
{
    try {
        const nlohmann::json analysis = core::parseStrictJson(core::readWholeFile(path), path);
        if (analysis.value("run_id", "") != runId)
            throw core::InputError(path + ": this analysis is of another run than " + runId
                                   + " (files of two runs are mixed in this folder)");
        SnapshotSpectrum spectrum;
        spectrum.iteration = analysis.contains("iteration") ? core::numberFromJson(analysis, "iteration")
                                                            : std::numeric_limits<double>::quiet_NaN();
        if (const auto density = analysis.find("density"); density != analysis.end()) {
            spectrum.grid = density->at("grid").get<std::vector<double>>();
            spectrum.density = density->at("density").get<std::vector<double>>();
        }
        for (const nlohmann::json& value : analysis.value("top_eigenvalues", nlohmann::json::array()))
            spectrum.topEigenvalues.push_back(core::numberFromJson(value, "value"));
        return spectrum;
    } catch (const nlohmann::json::exception& e) {
        throw core::InputError(path + ": not an analysis report (" + e.what() + ")");
    }
}

std::string spectrumFilePath(const std::string& runDir, long long iteration)
{
    char name[32];
    std::snprintf(name, sizeof name, "/iter_%08lld.json", iteration);
    return runDir + "/spectra" + name;
}

}   // namespace minimascope::ui
