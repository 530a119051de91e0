#include "workers/CatalogueRecords.h"

#include "analysis/NoiseGeometry.h"
#include "landscape/FitnessDistance.h"

namespace minimascope::ui {

GradientNoisePoint toGradientNoisePoint(const core::NoiseGeometryReport& report, qint64 iteration)
{
    GradientNoisePoint point;
    point.iteration = iteration;
    point.covarianceTop = report.topEigenvalues;
    point.hessianTop = report.hessianEigenvalues;
    point.overlap = report.overlap.value_or(point.overlap);
    point.gradientShare = report.gradientShare.value_or(point.gradientShare);
    point.gradientNorm = report.gradientNorm;
    if (report.density) {
        point.grid = report.density->grid;
        point.density = report.density->density;
    }
    return point;
}

void fillFitnessDistanceResult(const core::FitnessDistanceSample& sample, FitnessDistanceResult& result)
{
    result.status = sample.status;
    for (size_t i = 0; i < sample.loss.size(); ++i)
        result.points.push_back({sample.distance[i], sample.seed[i], sample.loss[i]});
    result.correlation = sample.correlation;
    result.undefinedReason = QString::fromStdString(sample.correlationUndefinedReason());
    result.centreLoss = sample.centreLoss;
    result.seed = sample.options.seed;
}

void registerCatalogueMetaTypes()
{
    qRegisterMetaType<GradientNoiseRequest>();
    qRegisterMetaType<GradientNoisePoint>();
    qRegisterMetaType<GradientNoiseResult>();
    qRegisterMetaType<FitnessDistanceRequest>();
    qRegisterMetaType<FitnessDistanceResult>();
}

}   // namespace minimascope::ui
