#include "controllers/ProjectFile.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/NumberFormat.h"
#include "io/StrictJson.h"
#include "train/RunConfig.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>
#include <limits>
#include <utility>

namespace minimascope::ui {

namespace {

const QString kFormat = QStringLiteral("minimascope-project");

QString trProjectFile(const char* text) { return QCoreApplication::translate("ProjectFile", text); }

QJsonValue number(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null); }

double number(const QJsonValue& v) { return v.isDouble() ? v.toDouble() : std::numeric_limits<double>::quiet_NaN(); }

// A row of exactly `size` numbers (or nulls); false otherwise.
bool row(const QJsonValue& value, qsizetype size, QJsonArray* out)
{
    if (!value.isArray() || value.toArray().size() != size)
        return false;
    *out = value.toArray();
    for (const QJsonValue& cell : *out)
        if (!cell.isDouble() && !cell.isNull())
            return false;
    return true;
}

// A count (iteration, batch size, n) as JSON holds it: a whole number from 0 to 2^53, which a
// double holds exactly. Anything else (1e300, -5, 2.5, text) is a damaged file: casting it to an
// integer would be undefined.
bool wholeCount(const QJsonValue& value, qint64* out)
{
    if (!value.isDouble() || !core::isExactCount(value.toDouble(), 0, qint64(1) << 53))
        return false;
    *out = static_cast<qint64>(value.toDouble());
    return true;
}

// A value the file may leave out or write as null (NaN) but, when present, must be a number.
bool numberOrNull(const QJsonValue& value) { return value.isUndefined() || value.isNull() || value.isDouble(); }

}   // namespace

bool saveProject(const QString& path, const RunRecord& record, QString* error)
{
    QJsonArray metrics;
    for (const core::MetricsRow& m : record.metrics)
        metrics.append(QJsonArray{double(m.iteration), number(m.seconds), number(m.batchLoss), number(m.trainLoss),
                                  number(m.trainAccuracy), number(m.testLoss), number(m.testAccuracy)});
    QJsonArray curvature;
    for (const core::CurvatureSample& c : record.samples)
        curvature.append(
            QJsonArray{double(c.iteration), number(c.sharpness), number(c.nonUniformity), number(c.seconds)});
    QJsonArray session;
    for (const SessionEntry& e : record.session)
        session.append(QJsonObject{{QStringLiteral("a"), number(e.a)},
                                   {QStringLiteral("s"), number(e.s)},
                                   {QStringLiteral("eta"), e.eta},
                                   {QStringLiteral("batch_size"), double(e.batchSize)},
                                   {QStringLiteral("label"), e.label}});
    const QJsonObject run{{QStringLiteral("eta"), record.shape.eta},
                          {QStringLiteral("batch_size"), double(record.shape.batchSize)},
                          {QStringLiteral("n"), double(record.shape.trainSize)},
                          {QStringLiteral("batch_draw"), QString::fromLatin1(core::toString(record.shape.draw))},
                          {QStringLiteral("label"), record.shape.label}};
    const QJsonObject root{{QStringLiteral("format"), kFormat},
                           {QStringLiteral("version"), 1},
                           {QStringLiteral("config"), QJsonDocument::fromJson(record.configJson.toUtf8()).object()},
                           {QStringLiteral("run"), run},
                           {QStringLiteral("metrics"), metrics},
                           {QStringLiteral("curvature"), curvature},
                           {QStringLiteral("session"), session}};
    // Written to a temporary file and renamed: a failed save never leaves half a project.
    const QByteArray bytes = QJsonDocument(root).toJson();
    QSaveFile file(path);
    bool written = file.open(QIODevice::WriteOnly);
    // A disk that fills mid-write gives a short count, not an error, and commit() would rename
    // the truncated file over the previous project: write the rest until it is an error (ENOSPC),
    // whose text the message then gives.
    for (qint64 done = 0; written && done < bytes.size();) {
        const qint64 count = file.write(bytes.constData() + done, bytes.size() - done);
        written = count > 0;
        done += count;
    }
    if (!written || !file.commit()) {
        *error = trProjectFile("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool loadProject(const QString& path, RunRecord* record, QString* error)
{
    // The strict parse caps the size and the nesting and rejects duplicate keys, which Qt's
    // parser accepts silently; the rest of the reading is in Qt's JSON types.
    std::string text;
    nlohmann::json strict;
    try {
        text = core::readWholeFile(QFile::encodeName(path).toStdString());
        strict = core::parseStrictJson(text, path.toStdString());
    } catch (const core::InputError& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &parseError);
    if (!document.isObject()) {
        // Valid JSON of another kind (the strict parse passed) has no parse error worth quoting.
        *error = parseError.error == QJsonParseError::NoError
                     ? trProjectFile("%1: not a JSON object").arg(path)
                     : trProjectFile("%1: not a JSON object (%2)").arg(path, parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format")).toString() != kFormat
        || root.value(QStringLiteral("version")).toInt() != 1) {
        *error = trProjectFile("%1: not a MinimaScope project (format \"%2\", version 1 expected)").arg(path, kFormat);
        return false;
    }
    // A section of the wrong type would read as empty (toObject(), toArray()): the project would
    // open with nothing in it and no word of why.
    const std::pair<const char*, QJsonValue::Type> sections[] = {{"config", QJsonValue::Object},
                                                                 {"run", QJsonValue::Object},
                                                                 {"metrics", QJsonValue::Array},
                                                                 {"curvature", QJsonValue::Array},
                                                                 {"session", QJsonValue::Array}};
    for (const auto& [key, type] : sections) {
        const QJsonValue value = root.value(QLatin1String(key));
        if (!value.isUndefined() && value.type() != type) {
            *error = trProjectFile("%1: '%2' must be %3")
                         .arg(path, QLatin1String(key),
                              type == QJsonValue::Object ? trProjectFile("an object") : trProjectFile("a list"));
            return false;
        }
    }
    RunRecord out;
    const QJsonObject config = root.value(QStringLiteral("config")).toObject();
    // The config is what Run starts from: opening the curves beside a set-up panel that kept
    // another config would show one run's results under another's settings, so a config the panel
    // cannot take makes the project unreadable, as a damaged section does.
    if (!config.isEmpty()) {
        try {
            core::RunConfig::fromJson(strict.at("config"));
        } catch (const std::exception& e) {
            *error =
                trProjectFile("%1: 'config' is not a valid run config: %2").arg(path, QString::fromStdString(e.what()));
            return false;
        }
    }
    out.configJson = config.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(config).toJson());
    const QJsonObject run = root.value(QStringLiteral("run")).toObject();
    // Projects saved before the batch draw was recorded are of the Theorem's own setting.
    const bool withReplacement = run.value(QStringLiteral("batch_draw")).toString()
                                 == QLatin1String(core::toString(core::BatchDraw::WithReplacement));
    if (!numberOrNull(run.value(QStringLiteral("eta")))) {
        *error = trProjectFile("%1: run.eta must be a number").arg(path);
        return false;
    }
    qint64 batchSize = 0, trainSize = 0;
    if (!wholeCount(run.value(QStringLiteral("batch_size")), &batchSize)
        || !wholeCount(run.value(QStringLiteral("n")), &trainSize)) {
        *error = trProjectFile("%1: run.batch_size and run.n must be whole numbers from 0 to 2^53").arg(path);
        return false;
    }
    out.shape = {run.value(QStringLiteral("eta")).toDouble(), batchSize, trainSize,
                 withReplacement ? core::BatchDraw::WithReplacement : core::BatchDraw::WithoutReplacement,
                 run.value(QStringLiteral("label")).toString()};
    QJsonArray r;
    const QJsonArray metrics = root.value(QStringLiteral("metrics")).toArray();
    for (qsizetype i = 0; i < metrics.size(); ++i) {
        qint64 iteration = 0;
        if (!row(metrics[i], 7, &r) || !wholeCount(r[0], &iteration)) {
            *error = trProjectFile("%1: metrics row %2 is not 7 numbers, the first an iteration").arg(path).arg(i + 1);
            return false;
        }
        core::MetricsRow m;   // a project keeps 7 of its numbers: no epoch, gradient norm NaN
        m.iteration = iteration;
        m.seconds = number(r[1]);
        m.batchLoss = number(r[2]);
        m.trainLoss = number(r[3]);
        m.trainAccuracy = number(r[4]);
        m.testLoss = number(r[5]);
        m.testAccuracy = number(r[6]);
        out.metrics.append(m);
    }
    const QJsonArray curvature = root.value(QStringLiteral("curvature")).toArray();
    for (qsizetype i = 0; i < curvature.size(); ++i) {
        qint64 iteration = 0;
        if (!row(curvature[i], 4, &r) || !wholeCount(r[0], &iteration)) {
            *error =
                trProjectFile("%1: curvature row %2 is not 4 numbers, the first an iteration").arg(path).arg(i + 1);
            return false;
        }
        core::CurvatureSample sample;
        sample.iteration = iteration;
        sample.sharpness = number(r[1]);
        sample.nonUniformity = number(r[2]);
        sample.seconds = number(r[3]);
        out.samples.append(sample);
    }
    const QJsonArray session = root.value(QStringLiteral("session")).toArray();
    for (qsizetype i = 0; i < session.size(); ++i) {
        const QJsonObject e = session[i].toObject();
        qint64 pointBatchSize = 0;
        if (!wholeCount(e.value(QStringLiteral("batch_size")), &pointBatchSize)) {
            *error = trProjectFile("%1: session point %2 has no whole batch_size").arg(path).arg(i + 1);
            return false;
        }
        if (!numberOrNull(e.value(QStringLiteral("eta")))) {
            *error = trProjectFile("%1: session point %2 has an eta that is not a number").arg(path).arg(i + 1);
            return false;
        }
        out.session.append({number(e.value(QStringLiteral("a"))), number(e.value(QStringLiteral("s"))),
                            e.value(QStringLiteral("eta")).toDouble(), pointBatchSize,
                            e.value(QStringLiteral("label")).toString()});
    }
    *record = out;
    return true;
}

}   // namespace minimascope::ui
