#include "analysis/NoiseGeometry.h"

#include "analysis/GradientCovariance.h"
#include "common/CancelToken.h"
#include "data/Dataset.h"
#include "io/NumberFormat.h"
#include "models/FlatParameters.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace minimascope::core {

namespace {

// Below this norm (relative to the vector's own) a basis vector is taken as already spanned
// by the previous ones (Gram-Schmidt in double precision).
constexpr double kDependentBasisVector = 1e-10;

// Orthonormal rows spanning `basis`, in double precision (Gram-Schmidt, twice for stability).
std::vector<at::Tensor> orthonormalize(const std::vector<at::Tensor>& basis)
{
    std::vector<at::Tensor> rows;
    for (const at::Tensor& b : basis) {
        at::Tensor v = b.to(at::kDouble).reshape({-1}).clone();
        const double norm0 = v.norm().item<double>();
        if (!(norm0 > 0.0))
            continue;
        for (int pass = 0; pass < 2; ++pass)
            for (const at::Tensor& q : rows)
                v -= at::dot(q, v) * q;
        const double norm = v.norm().item<double>();
        if (norm > kDependentBasisVector * norm0)
            rows.push_back(v / norm);
    }
    return rows;
}

double projectedShare(const at::Tensor& vector, const std::vector<at::Tensor>& rows)
{
    const at::Tensor v = vector.to(at::kDouble).reshape({-1});
    const double total = at::dot(v, v).item<double>();
    if (!(total > 0.0))
        return 0.0;
    double inside = 0.0;
    for (const at::Tensor& q : rows) {
        const double c = at::dot(q, v).item<double>();
        inside += c * c;
    }
    return inside / total;
}

}   // namespace

double subspaceOverlap(const std::vector<at::Tensor>& vectors, const std::vector<at::Tensor>& basis)
{
    if (vectors.empty())
        return 0.0;
    const std::vector<at::Tensor> rows = orthonormalize(basis);
    double sum = 0.0;
    for (const at::Tensor& v : vectors)
        sum += projectedShare(v, rows);
    return sum / static_cast<double>(vectors.size());
}

double energyShare(const at::Tensor& vector, const std::vector<at::Tensor>& basis)
{
    return projectedShare(vector, orthonormalize(basis));
}

NoiseGeometryRequest gradientNoiseRequest(bool top, bool density, bool overlap, int64_t densitySteps,
                                          int64_t parameters)
{
    NoiseGeometryRequest request;
    request.top = top;
    request.density = density;
    request.overlap = overlap;
    request.densityOptions.steps = std::min<int64_t>(densitySteps, parameters);
    return request;
}

NoiseGeometryReport measureNoiseGeometry(const SymmetricOperator& hessian, const SymmetricOperator& sigma,
                                         const at::Tensor& gradient, const NoiseGeometryRequest& request,
                                         const std::vector<EigenPair>& hessianPairs, const CancelToken* cancel,
                                         const ProgressSink& progress)
{
    const auto start = std::chrono::steady_clock::now();
    NoiseGeometryReport report;
    report.centered = request.centered;
    report.k = std::max<int64_t>(1, request.k);
    if (gradient.defined())
        report.gradientNorm = gradient.to(at::kDouble).norm().item<double>();
    const auto finish = [&](RunStatus status) {
        report.status = status;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return report;
    };

    std::vector<at::Tensor> sigmaVectors;
    if (request.top || request.overlap) {
        LanczosOptions options;
        options.k = report.k;
        options.tolerance = request.tolerance;
        options.maxSteps = request.maxSteps;
        options.seed = request.seed;
        const EigenResult result = lanczos(sigma, options, cancel, progress);
        report.products += result.products;
        for (const EigenPair& pair : result.pairs) {
            report.topEigenvalues.push_back(pair.value);
            report.topResiduals.push_back(pair.residual);
            sigmaVectors.push_back(pair.vector);
        }
        report.topConverged = result.converged;
        if (result.status != RunStatus::Finished)
            return finish(result.status);
    }
    if (request.overlap) {
        std::vector<at::Tensor> hessianVectors;
        if (static_cast<int64_t>(hessianPairs.size()) >= report.k) {
            for (int64_t i = 0; i < report.k; ++i) {
                hessianVectors.push_back(hessianPairs[static_cast<size_t>(i)].vector);
                report.hessianEigenvalues.push_back(hessianPairs[static_cast<size_t>(i)].value);
            }
        } else {
            LanczosOptions options;
            options.k = report.k;
            options.tolerance = request.tolerance;
            options.maxSteps = request.maxSteps;
            options.seed = request.seed + 1;
            const EigenResult result = lanczos(hessian, options, cancel, progress);
            report.products += result.products;
            if (result.status != RunStatus::Finished)
                return finish(result.status);
            for (const EigenPair& pair : result.pairs) {
                hessianVectors.push_back(pair.vector);
                report.hessianEigenvalues.push_back(pair.value);
            }
        }
        report.overlap = subspaceOverlap(hessianVectors, sigmaVectors);
        if (gradient.defined())
            report.gradientShare = energyShare(gradient, hessianVectors);
    }
    if (request.density) {
        SpectralDensityOptions options = request.densityOptions;
        options.seed = request.seed + 2;
        report.density = stochasticLanczosQuadrature(sigma, options, cancel, progress);
        report.products += report.density->products;
        if (report.density->status != RunStatus::Finished)
            return finish(report.density->status);
    }
    return finish(RunStatus::Finished);
}

NoiseGeometryReport measureNoiseGeometry(Network& network, FlatParameters& parameters, const Dataset& data,
                                         const SymmetricOperator& hessian, const NoiseGeometryRequest& request,
                                         const std::vector<EigenPair>& hessianPairs, const CancelToken* cancel,
                                         const ProgressSink& progress)
{
    GradientCovariance covariance(network, parameters, data, cancel);
    if (!covariance.gradient().defined()) {
        NoiseGeometryReport report;
        report.status = RunStatus::Cancelled;
        return report;
    }
    return measureNoiseGeometry(hessian, request.centered ? covariance.covariance() : covariance.secondMoment(),
                                covariance.gradient(), request, hessianPairs, cancel, progress);
}

nlohmann::json NoiseGeometryReport::toJson() const
{
    nlohmann::json json{{"status", toString(status)},
                        {"matrix", centered ? "centered: (1/n) sum g_i g_i^T - g g^T" : "(1/n) sum g_i g_i^T"},
                        {"k", k},
                        {"gradient_norm", jsonNumber(gradientNorm)},
                        {"products", products},
                        {"seconds", jsonNumber(seconds)}};
    if (!topEigenvalues.empty()) {
        nlohmann::json top = nlohmann::json::array();
        for (size_t i = 0; i < topEigenvalues.size(); ++i)
            top.push_back({{"value", jsonNumber(topEigenvalues[i])}, {"residual", jsonNumber(topResiduals[i])}});
        json["top_eigenvalues"] = top;
        json["converged"] = topConverged;
    }
    if (overlap) {
        json["subspace_overlap"] = jsonNumber(*overlap);
        json["hessian_eigenvalues"] = hessianEigenvalues;
    }
    if (gradientShare)
        json["gradient_share_in_hessian_top"] = jsonNumber(*gradientShare);
    if (density)
        json["density"] = {{"grid", density->grid},   {"density", density->density}, {"sigma", density->sigma},
                           {"nodes", density->nodes}, {"weights", density->weights}, {"products", density->products}};
    return json;
}

}   // namespace minimascope::core
