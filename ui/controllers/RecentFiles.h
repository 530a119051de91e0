#pragma once
// The File menu's "Open recent": the last run folders, projects and studies the user opened,
// newest first, kept in QSettings across sessions. GUI thread only.
#include <QObject>
#include <QString>
#include <QStringList>

class QMenu;

namespace minimascope::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    enum class Kind { RunFolder, Project, Study };
    static constexpr int kMaxEntries = 10;

    explicit RecentFiles(QObject* parent = nullptr);

    // Puts `path` first (once), dropping the oldest beyond kMaxEntries.
    void add(Kind kind, const QString& path);
    // "kind|path" entries, newest first.
    QStringList entries() const;
    // Fills `menu` with the entries each time it is about to show; a click emits openRequested.
    void attach(QMenu* menu);

Q_SIGNALS:
    void openRequested(RecentFiles::Kind kind, const QString& path);

private:
    void fill(QMenu* menu);
};

}   // namespace minimascope::ui
