#include "controllers/SpectraFolder.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

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
        try {
            const nlohmann::json analysis = core::parseStrictJson(core::readWholeFile(path), path);
            if (analysis.value("run_id", "") != runId)
                throw core::InputError(path + ": this analysis is of another run than " + runId);
            SnapshotSpectrum spectrum;
            spectrum.iteration = core::numberFromJson(analysis, "iteration");
            if (const auto density = analysis.find("density"); density != analysis.end()) {
                spectrum.grid = density->at("grid").get<std::vector<double>>();
                spectrum.density = density->at("density").get<std::vector<double>>();
            }
            for (const nlohmann::json& value : analysis.value("top_eigenvalues", nlohmann::json::array()))
                spectrum.topEigenvalues.push_back(core::numberFromJson(value, "value"));
            spectra.push_back(std::move(spectrum));
        } catch (const nlohmann::json::exception& e) {
            throw core::InputError(path + ": not an analysis report (" + e.what() + ")");
        }
    }
    return spectra;
}

std::string spectrumFilePath(const std::string& runDir, long long iteration)
{
    char name[32];
    std::snprintf(name, sizeof name, "/iter_%08lld.json", iteration);
    return runDir + "/spectra" + name;
}

}   // namespace minimascope::ui
