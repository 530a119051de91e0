#pragma once
// A file's bytes, read or written whole, for the suites that compare files byte for byte.
#include <QByteArray>
#include <QFile>
#include <QString>

namespace minimascope::testsupport {

// The file's bytes; empty when it cannot be read.
inline QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Replaces the file with `bytes`; false when any of them was not written.
inline bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

}   // namespace minimascope::testsupport
