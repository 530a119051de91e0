#include "controllers/RunFolderReader.h"

#include "train/RunFolder.h"

#include <nlohmann/json.hpp>

namespace minimascope::ui {

bool readRunFolder(const QString& dir, SavedRun* run, QString* error)
{
    try {
        const core::RunFolderInfo folder = core::readRunFolderInfo(dir.toStdString());
        const std::vector<core::MetricsRow> rows = core::readMetrics(folder);
        run->runId = QString::fromStdString(folder.runId);
        run->configJson = QString::fromStdString(core::readRunConfig(folder).toJson().dump(2));
        run->metrics = QVector<core::MetricsRow>(rows.begin(), rows.end());
        return true;
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
}

}   // namespace minimascope::ui
