#include "analysis/CurvatureOperators.h"

#include "analysis/LeNetCurvature.h"
#include "analysis/LossCurvature.h"
#include "analysis/MlpCurvature.h"
#include "models/LeNet5.h"
#include "models/Mlp.h"

namespace minimascope::core {

namespace {

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
        m_engines->generic = std::make_unique<LossCurvature>(network, parameters, data, cancel, chunk);
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
