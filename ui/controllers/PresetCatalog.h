#pragma once
// Finds the shipped run presets (resources/presets/*.json) the way minimascope-cli does:
// $MINIMASCOPE_PRESETS first, then share/minimascope/presets next to the installed executable,
// then the source tree the program was built from. GUI thread (uses QCoreApplication's path).
#include <QString>
#include <QStringList>

namespace minimascope::ui {

class PresetCatalog {
public:
    static QStringList directories();
    // Preset names (file stems), sorted, without duplicates.
    static QStringList names();
    // The text of preset `name`; empty and *error set when it is not found or unreadable.
    static QString read(const QString& name, QString* error);
};

} // namespace minimascope::ui
