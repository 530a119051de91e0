#include "analysis/CurvatureOperators.h"

#include "analysis/LeNetCurvature.h"
#include "analysis/LossCurvature.h"
#include "analysis/MlpCurvature.h"
#include "models/LeNet5.h"
#include "models/Mlp.h"

#include <algorithm>

namespace minimascope::core {

namespace {

constexpr int64_t kGenericChunk = 256;

SymmetricOperator counted(SymmetricOperator op, std::shared_ptr<int64_t> count)
{
    auto apply = op.apply;
    op.apply = [apply, count](const at::Tensor& v) {
        ++*count;
        return apply(v);
    };
    return op;
}

} // namespace

struct CurvatureOperators::Engines {
    std::unique_ptr<LossCurvature> generic;
    std::unique_ptr<MlpCurvature> mlp;
    std::unique_ptr<LeNetCurvature> lenet;
};

CurvatureOperators::CurvatureOperators(Network& network, FlatParameters& parameters, const Dataset& data,
                                       const CancelToken* cancel, bool forceNaive, int64_t chunk)
    : m_engines(std::make_unique<Engines>())
{
    auto* mlp = dynamic_cast<Mlp*>(&network);
    if (!forceNaive && mlp && MlpCurvature::supports(*mlp, data.task)) {
        m_engines->mlp = std::make_unique<MlpCurvature>(*mlp, parameters, data, cancel, chunk);
        m_hessian = m_engines->mlp->hessian();
        m_covariance = m_engines->mlp->covariance();
        m_path = "mlp-factored";
    } else {
        // Convolutional examples cost far more than an MLP's (LeNet-5: ~0.3 ms each in an H
        // product): chunks of 256 keep a cancel within ~0.1 s there, and measured faster than
        // 1000 (LeNet-5 H product over 1000 examples: 0.22 s against 0.40 s, same LibTorch).
        m_engines->generic = std::make_unique<LossCurvature>(network, parameters, data, cancel,
                                                             std::min<int64_t>(chunk, kGenericChunk));
        m_hessian = m_engines->generic->hessian();
        auto* lenet = dynamic_cast<LeNet5*>(&network);
        if (!forceNaive && lenet && LeNetCurvature::supports(data.task)) {
            m_engines->lenet = std::make_unique<LeNetCurvature>(*lenet, parameters, data, m_hessian, cancel);
            m_covariance = m_engines->lenet->covariance();
            m_path = "lenet-expanded";
        } else {
            m_covariance = m_engines->generic->covariance();
            m_path = "autograd";
        }
    }
    m_hessian = counted(m_hessian, m_hessianCount);
    m_covariance = counted(m_covariance, m_covarianceCount);
}

CurvatureOperators::~CurvatureOperators() = default;

} // namespace minimascope::core
