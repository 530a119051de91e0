#pragma once
// minimascope-cli run from the GUI suites that check the app against it (each such suite is
// compiled with MINIMASCOPE_CLI, the program's path), and the JSON files it writes.
#include <QDebug>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace minimascope::tests {

// The longest a CLI command of these suites may take: a hung one fails its test.
constexpr int kCliTimeoutMs = 300000;

// Runs minimascope-cli with `arguments`; false (with its stderr) on a non-zero exit or a timeout.
inline bool runCli(const QStringList& arguments)
{
    QProcess cli;
    cli.start(QStringLiteral(MINIMASCOPE_CLI), arguments);
    if (!cli.waitForFinished(kCliTimeoutMs) || cli.exitCode() != 0) {
        qWarning().noquote() << "minimascope-cli" << arguments.join(u' ') << "failed:" << cli.readAllStandardError();
        return false;
    }
    return true;
}

// The JSON object in the file at `path` (empty when it cannot be read).
inline QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

}   // namespace minimascope::tests
