#include "landscape/EigenDirections.h"

#include "analysis/CurvatureOperators.h"
#include "models/FlatParameters.h"

#include <algorithm>

namespace minimascope::core {

EigenResult hessianEigenDirections(Network& network, FlatParameters& parameters, const Dataset& data,
                                   const EigenDirectionOptions& options, const CancelToken* cancel)
{
    const CurvatureOperators operators(network, parameters, data, cancel);
    LanczosOptions lanczosOptions;
    lanczosOptions.k = options.k;
    lanczosOptions.which = Spectrum::Largest;
    lanczosOptions.tolerance = options.tolerance;
    lanczosOptions.maxSteps = std::min(options.maxSteps, parameters.size());
    lanczosOptions.seed = options.seed;
    return lanczos(operators.hessian(), lanczosOptions, cancel);
}

}   // namespace minimascope::core
