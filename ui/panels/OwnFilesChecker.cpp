#include "panels/OwnFilesChecker.h"

#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "models/ModelSpec.h"

#include <ATen/Parallel.h>

#include <exception>

namespace minimascope::ui {

void OwnFilesChecker::supersede(quint64 jobId)
{
    // Never backwards: the destructor's "skip everything" must not be undone by a late request.
    quint64 latest = m_latest.load();
    while (latest < jobId && !m_latest.compare_exchange_weak(latest, jobId)) { }
}

void OwnFilesChecker::check(quint64 jobId, const core::RunConfig& config)
{
    if (jobId < m_latest.load())
        return;
    // Torch's thread count is per thread: set it here. One thread leaves the other core to the GUI
    // (and to a run that may be training meanwhile).
    at::set_num_threads(1);
    QString message;
    QString key;
    try {
        const core::DatasetPair data = core::loadDatasets(config.dataset);
        core::buildModel(config.model, data.train, config.seed);
    } catch (const core::InputError& e) {
        message = QString::fromStdString(e.what());
        key = QString::fromStdString(e.key());
    } catch (const std::exception& e) {
        message = QString::fromStdString(e.what());
    }
    Q_EMIT checked(jobId, message, key);
}

}   // namespace minimascope::ui
