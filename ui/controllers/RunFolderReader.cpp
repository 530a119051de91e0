#include "controllers/RunFolderReader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <limits>

namespace minimascope::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("RunFolderReader", text);
}

// An empty CSV field is a value that was not measured.
double field(const QString& text, bool* ok)
{
    if (text.isEmpty()) {
        *ok = true;
        return std::numeric_limits<double>::quiet_NaN();
    }
    return text.toDouble(ok);
}

} // namespace

bool readRunFolder(const QString& dir, SavedRun* run, QString* error)
{
    const QDir folder(dir);
    QFile metrics(folder.filePath(QStringLiteral("metrics.csv")));
    if (!metrics.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = tr("%1: %2").arg(metrics.fileName(), metrics.errorString());
        return false;
    }
    const QStringList lines = QString::fromUtf8(metrics.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList header = lines.value(0).trimmed().split(QLatin1Char(','));
    const QStringList needed{QStringLiteral("iteration"),  QStringLiteral("seconds"),   QStringLiteral("batch_loss"),
                             QStringLiteral("train_loss"), QStringLiteral("train_accuracy"),
                             QStringLiteral("test_loss"),  QStringLiteral("test_accuracy")};
    QList<int> column;
    for (const QString& name : needed) {
        column.append(static_cast<int>(header.indexOf(name)));
        if (column.back() < 0) {
            *error = tr("%1: the header has no column '%2'").arg(metrics.fileName(), name);
            return false;
        }
    }
    run->metrics.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].trimmed().split(QLatin1Char(','));
        bool ok = cells.size() == header.size();
        double values[7] = {};
        for (int c = 0; ok && c < 7; ++c)
            values[c] = field(cells[column[c]], &ok);
        if (!ok) {
            *error = tr("%1, line %2: not a row of numbers").arg(metrics.fileName()).arg(i + 1);
            return false;
        }
        run->metrics.append({static_cast<qint64>(values[0]), values[1], values[2], values[3], values[4], values[5],
                             values[6]});
    }
    QFile config(folder.filePath(QStringLiteral("config.json")));
    run->configJson = config.open(QIODevice::ReadOnly) ? QString::fromUtf8(config.readAll()) : QString();
    return true;
}

} // namespace minimascope::ui
