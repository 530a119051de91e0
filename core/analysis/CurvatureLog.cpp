#include "analysis/CurvatureLog.h"

#include "common/InputError.h"
#include "io/CsvLog.h"
#include "io/NumberFormat.h"
#include "train/RunFolder.h"

#include <cmath>
#include <filesystem>
#include <sstream>

namespace minimascope::core {

namespace {

constexpr const char* kHeader = "iteration,sharpness,sharpness_residual,non_uniformity,non_uniformity_residual,"
                                "hessian_products,covariance_products,seconds";

}   // namespace

CurvatureLogWriter::CurvatureLogWriter(const std::string& dir, const std::string& runId)
    : m_log(std::make_unique<CsvLogWriter>(dir + "/curvature.csv", kHeader, runId))
{
}

CurvatureLogWriter::~CurvatureLogWriter() = default;

void CurvatureLogWriter::append(const CurvatureSample& s)
{
    std::ostringstream line;
    line << s.iteration << ',' << csvNumber(s.sharpness) << ',' << csvNumber(s.sharpnessResidual) << ','
         << csvNumber(s.nonUniformity) << ',' << csvNumber(s.nonUniformityResidual) << ',' << s.hessianProducts << ','
         << s.covarianceProducts << ',' << csvNumber(s.seconds);
    m_log->append(line.str());
}

std::vector<CurvatureSample> readCurvatureLog(const RunFolderInfo& run)
{
    const std::string path = run.dir + "/curvature.csv";
    std::vector<CurvatureSample> samples;
    if (!std::filesystem::exists(path))
        return samples;
    const CsvLog log = readCsvLog(path, kHeader, run.runId);
    for (size_t i = 0; i < log.rows.size(); ++i) {
        const std::vector<std::string>& f = log.rows[i];
        const std::string where = path + ", row " + std::to_string(i + 1);
        CurvatureSample s;
        s.iteration = static_cast<int64_t>(numberFromCsv(f[0], where));
        s.sharpness = numberFromCsv(f[1], where);
        s.sharpnessResidual = numberFromCsv(f[2], where);
        s.nonUniformity = numberFromCsv(f[3], where);
        s.nonUniformityResidual = numberFromCsv(f[4], where);
        s.hessianProducts = static_cast<int64_t>(numberFromCsv(f[5], where));
        s.covarianceProducts = static_cast<int64_t>(numberFromCsv(f[6], where));
        s.seconds = numberFromCsv(f[7], where);
        samples.push_back(s);
    }
    return samples;
}

}   // namespace minimascope::core
