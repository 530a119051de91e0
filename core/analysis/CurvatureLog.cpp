#include "analysis/CurvatureLog.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"

#include <filesystem>
#include <sstream>

namespace minimascope::core {

void writeCurvatureLog(const std::string& dir, const std::vector<CurvatureSample>& samples)
{
    ensureDirectory(dir);
    std::ostringstream csv;
    csv << "iteration,sharpness,sharpness_residual,non_uniformity,non_uniformity_residual,"
           "hessian_products,covariance_products,seconds\n";
    nlohmann::json json = nlohmann::json::array();
    for (const CurvatureSample& s : samples) {
        csv << s.iteration << ',' << csvNumber(s.sharpness) << ',' << csvNumber(s.sharpnessResidual) << ','
            << csvNumber(s.nonUniformity) << ',' << csvNumber(s.nonUniformityResidual) << ','
            << s.hessianProducts << ',' << s.covarianceProducts << ',' << csvNumber(s.seconds) << '\n';
        json.push_back({{"iteration", s.iteration}, {"sharpness", jsonNumber(s.sharpness)},
                        {"sharpness_residual", jsonNumber(s.sharpnessResidual)},
                        {"non_uniformity", jsonNumber(s.nonUniformity)},
                        {"non_uniformity_residual", jsonNumber(s.nonUniformityResidual)},
                        {"hessian_products", s.hessianProducts}, {"covariance_products", s.covarianceProducts},
                        {"seconds", jsonNumber(s.seconds)}});
    }
    writeFileAtomically(dir + "/curvature.csv", csv.str());
    writeFileAtomically(dir + "/curvature.json", json.dump(1) + "\n");
}

std::vector<CurvatureSample> readCurvatureLog(const std::string& dir)
{
    const std::string path = dir + "/curvature.json";
    std::vector<CurvatureSample> samples;
    if (!std::filesystem::exists(path))
        return samples;
    try {
        for (const nlohmann::json& r : nlohmann::json::parse(readWholeFile(path))) {
            CurvatureSample s;
            s.iteration = r.at("iteration").get<int64_t>();
            s.sharpness = numberFromJson(r, "sharpness");
            s.sharpnessResidual = numberFromJson(r, "sharpness_residual");
            s.nonUniformity = numberFromJson(r, "non_uniformity");
            s.nonUniformityResidual = numberFromJson(r, "non_uniformity_residual");
            s.hessianProducts = r.at("hessian_products").get<int64_t>();
            s.covarianceProducts = r.at("covariance_products").get<int64_t>();
            s.seconds = numberFromJson(r, "seconds");
            samples.push_back(s);
        }
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": not a curvature log (" + e.what() + ")");
    }
    return samples;
}

} // namespace minimascope::core
