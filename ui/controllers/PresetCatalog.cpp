#include "controllers/PresetCatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <set>

namespace minimascope::ui {

QStringList PresetCatalog::directories()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("MINIMASCOPE_PRESETS");
    if (!env.isEmpty())
        dirs << env;
    dirs << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/minimascope/presets"));
    dirs << QStringLiteral(MINIMASCOPE_SOURCE_PRESETS);
    return dirs;
}

QStringList PresetCatalog::names()
{
    std::set<QString> unique;
    for (const QString& dir : directories())
        for (const QFileInfo& file : QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files))
            unique.insert(file.completeBaseName());
    return {unique.begin(), unique.end()};
}

QString PresetCatalog::read(const QString& name, QString* error)
{
    for (const QString& dir : directories()) {
        QFile file(QDir(dir).filePath(name + QStringLiteral(".json")));
        if (!file.exists())
            continue;
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QCoreApplication::translate("PresetCatalog", "cannot read %1: %2")
                         .arg(file.fileName(), file.errorString());
            return {};
        }
        return QString::fromUtf8(file.readAll());
    }
    *error = QCoreApplication::translate("PresetCatalog", "no preset named '%1' (known: %2)")
                 .arg(name, names().join(QStringLiteral(", ")));
    return {};
}

} // namespace minimascope::ui
