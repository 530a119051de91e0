#include "controllers/RecentFiles.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace minimascope::ui {

namespace {

const QString kKey = QStringLiteral("recent/entries");

QString kindName(RecentFiles::Kind kind)
{
    switch (kind) {
    case RecentFiles::Kind::RunFolder: return QStringLiteral("run");
    case RecentFiles::Kind::Project: return QStringLiteral("project");
    case RecentFiles::Kind::Study: return QStringLiteral("study");
    }
    return QStringLiteral("run");
}

}   // namespace

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) { }

QStringList RecentFiles::entries() const { return QSettings().value(kKey).toStringList(); }

void RecentFiles::add(Kind kind, const QString& path)
{
    const QString entry = kindName(kind) + QLatin1Char('|') + QFileInfo(path).absoluteFilePath();
    QStringList list = entries();
    list.removeAll(entry);
    list.prepend(entry);
    while (list.size() > kMaxEntries)
        list.removeLast();
    QSettings().setValue(kKey, list);
}

void RecentFiles::attach(QMenu* menu)
{
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { fill(menu); });
    fill(menu);
}

void RecentFiles::fill(QMenu* menu)
{
    menu->clear();
    for (const QString& entry : entries()) {
        const QString kind = entry.section(QLatin1Char('|'), 0, 0);
        const QString path = entry.section(QLatin1Char('|'), 1);
        const Kind k = kind == QLatin1String("project") ? Kind::Project
                       : kind == QLatin1String("study") ? Kind::Study
                                                        : Kind::RunFolder;
        const QString label = k == Kind::Project ? tr("Project %1") : k == Kind::Study ? tr("Study %1") : tr("Run %1");
        QAction* action = menu->addAction(label.arg(QDir::toNativeSeparators(path)));
        action->setEnabled(QFileInfo::exists(path));   // moved or deleted since: shown, not offered
        connect(action, &QAction::triggered, this, [this, k, path] { Q_EMIT openRequested(k, path); });
    }
    if (menu->isEmpty())
        menu->addAction(tr("(nothing opened yet)"))->setEnabled(false);
}

}   // namespace minimascope::ui
