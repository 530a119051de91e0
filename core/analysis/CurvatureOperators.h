#pragma once
// The H and Sigma products for a network and data set, by the fastest exact path that applies:
// ROperatorCurvature (the R-operator written out per layer, Sigma in two tangent passes) for every
// model that describes itself as a layer graph, on classification and regression; AutogradCurvature
// (autograd's double backward, Sigma by the per-example loop) otherwise (the escape toy, models
// without a graph) or when the naive path is asked for.
// chunk: examples per batched pass (at most 256 for convolutional networks and on the
// double-backward path, for cancel latency and memory).
#include "analysis/SymmetricOperator.h"
#include "data/Dataset.h"

#include <memory>
#include <string>

namespace minimascope::core {

class FlatParameters;
class Network;

class CurvatureOperators {
public:
    CurvatureOperators(Network& network, FlatParameters& parameters, const Dataset& data,
                       const CancelToken* cancel = nullptr, bool forceNaive = false, int64_t chunk = 1000);
    ~CurvatureOperators();

    const SymmetricOperator& hessian() const { return m_hessian; }
    const SymmetricOperator& covariance() const { return m_covariance; }
    // "r-operator" or "autograd"
    const std::string& path() const { return m_path; }

private:
    struct Engines;
    std::unique_ptr<Engines> m_engines;
    SymmetricOperator m_hessian;
    SymmetricOperator m_covariance;
    std::string m_path;
};

}   // namespace minimascope::core
