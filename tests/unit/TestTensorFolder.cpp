// Tensor folders (one .npy per tensor plus index.json) and the atomic file writes under them:
// round trips, file naming, the index's contents, errors for damaged folders, and that a
// failed write leaves nothing behind.
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "io/TensorFolder.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using minimascope::core::InputError;
using minimascope::core::NamedTensor;

namespace {

std::vector<NamedTensor> sampleTensors()
{
    at::Tensor weight = at::arange(12, at::kFloat).reshape({4, 3}).sub_(5.5).requires_grad_(true);
    return {
        {"layers.0.weight", "parameter", weight},
        {"layers.0.bias", "parameter", at::tensor({0.5f, -0.25f, 1.0f, 2.0f})},
        // A transposed view: must be stored in logical order.
        {"layers.1.weight", "parameter", at::arange(6, at::kFloat).reshape({2, 3}).t()},
        {"bn.running_mean", "buffer", at::tensor({1.0 / 3.0, -2.0}, at::kDouble)},
        {"bn.num_batches_tracked", "buffer", at::scalar_tensor(42, at::kLong)},
        {"mask", "buffer", at::tensor({0, 1, 255}, at::kByte)},
        {"counts", "buffer", at::tensor({-7, 7}, at::kInt)},
    };
}

QStringList entriesOf(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

nlohmann::json readIndex(const QString& dir)
{
    const QString path = QDir(dir).filePath(QStringLiteral("index.json"));
    return nlohmann::json::parse(minimascope::core::readWholeFile(path.toStdString()));
}

void writeIndex(const QString& dir, const nlohmann::json& index)
{
    minimascope::core::writeFileAtomically(QDir(dir).filePath(QStringLiteral("index.json")).toStdString(),
                                           index.dump());
}

// Runs `action`, which must throw InputError whose message contains every one of `parts`.
template <typename Action> bool throwsInputErrorMentioning(Action action, const QStringList& parts)
{
    try {
        action();
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        for (const QString& part : parts) {
            if (!message.contains(part)) {
                qWarning("message \"%s\" lacks \"%s\"", qPrintable(message), qPrintable(part));
                return false;
            }
        }
        return true;
    }
    qWarning("no InputError");
    return false;
}

}   // namespace

class TestTensorFolder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void emptyFolder();
    void nameSanitization();
    void indexContents();
    void missingNpy();
    void shapeMismatch();
    void damagedIndex_data();
    void damagedIndex();
    void missingIndex();
    void unwritableParentIsAFile();
    void unwritableDirectoryWithoutRoot();
    void atomicWriteSucceeds();
    void atomicWriteFailureLeavesNothing();
    void readWholeFileErrors();
};

void TestTensorFolder::roundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<NamedTensor> written = sampleTensors();
    minimascope::core::writeTensorFolder(dir.path().toStdString(), written);

    const std::vector<NamedTensor> read = minimascope::core::readTensorFolder(dir.path().toStdString());
    QCOMPARE(read.size(), written.size());
    for (std::size_t i = 0; i < read.size(); ++i) {
        QCOMPARE(read[i].name, written[i].name);
        QCOMPARE(read[i].kind, written[i].kind);
        QCOMPARE(read[i].value.scalar_type(), written[i].value.scalar_type());
        QCOMPARE(read[i].value.sizes().vec(), written[i].value.sizes().vec());
        QVERIFY2(at::equal(read[i].value, written[i].value.detach()), read[i].name.c_str());
    }
    QCOMPARE(read[1].value[1].item<float>(), -0.25f);
    QCOMPARE(read[2].value[2][1].item<float>(), 5.0f);
    QCOMPARE(read[3].value[0].item<double>(), 1.0 / 3.0);
    QCOMPARE(read[4].value.dim(), int64_t{0});
    QCOMPARE(read[4].value.item<int64_t>(), int64_t{42});

    // Rewriting the same folder replaces the index; no temporary files stay behind.
    minimascope::core::writeTensorFolder(dir.path().toStdString(), {written[0]});
    QCOMPARE(minimascope::core::readTensorFolder(dir.path().toStdString()).size(), std::size_t{1});
    QVERIFY(!entriesOf(dir.path()).join(QLatin1Char(' ')).contains(QLatin1String(".tmp-")));
}

void TestTensorFolder::emptyFolder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString sub = dir.filePath(QStringLiteral("a/b/snapshot"));
    minimascope::core::writeTensorFolder(sub.toStdString(), {});
    QCOMPARE(entriesOf(sub), QStringList{QStringLiteral("index.json")});
    QVERIFY(minimascope::core::readTensorFolder(sub.toStdString()).empty());
}

void TestTensorFolder::nameSanitization()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<std::string> names = {"conv/weight", "a b",         "a_b",       "W", "w", "",
                                            "..",          "caf\xc3\xa9", "index.json"};
    std::vector<NamedTensor> tensors;
    for (std::size_t i = 0; i < names.size(); ++i)
        tensors.push_back({names[i], "buffer", at::full({1}, static_cast<double>(i), at::kDouble)});
    minimascope::core::writeTensorFolder(dir.path().toStdString(), tensors);

    std::vector<std::string> files;
    const nlohmann::json index = readIndex(dir.path());
    for (const auto& entry : index["tensors"])
        files.push_back(entry["file"].get<std::string>());
    const std::vector<std::string> expected = {"conv_weight.npy", "a_b.npy", "a_b-2.npy", "W.npy",         "w-2.npy",
                                               "_.npy",           "...npy",  "caf__.npy", "index.json.npy"};
    QCOMPARE(files, expected);
    for (const std::string& file : expected)
        QVERIFY2(QFile::exists(dir.filePath(QString::fromStdString(file))), file.c_str());

    // The original names survive in the index, and each name still maps to its own tensor.
    const std::vector<NamedTensor> read = minimascope::core::readTensorFolder(dir.path().toStdString());
    QCOMPARE(read.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        QCOMPARE(read[i].name, names[i]);
        QCOMPARE(read[i].value[0].item<double>(), static_cast<double>(i));
    }
}

void TestTensorFolder::indexContents()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    minimascope::core::writeTensorFolder(dir.path().toStdString(), sampleTensors());
    const nlohmann::json index = readIndex(dir.path());

    QCOMPARE(index["format"].get<std::string>(), std::string("minimascope-tensors"));
    QCOMPARE(index["version"].get<int>(), 1);
    const nlohmann::json& entries = index["tensors"];
    QCOMPARE(entries.size(), std::size_t{7});
    const nlohmann::json first = {{"name", "layers.0.weight"},
                                  {"kind", "parameter"},
                                  {"file", "layers.0.weight.npy"},
                                  {"shape", {4, 3}},
                                  {"dtype", "float32"}};
    QCOMPARE(entries[0], first);
    QCOMPARE(entries[2]["shape"], nlohmann::json({3, 2}));
    QCOMPARE(entries[3]["dtype"].get<std::string>(), std::string("float64"));
    QCOMPARE(entries[4]["shape"], nlohmann::json::array());
    QCOMPARE(entries[4]["dtype"].get<std::string>(), std::string("int64"));
    QCOMPARE(entries[4]["kind"].get<std::string>(), std::string("buffer"));
    QCOMPARE(entries[5]["dtype"].get<std::string>(), std::string("uint8"));
    QCOMPARE(entries[6]["dtype"].get<std::string>(), std::string("int32"));

    QStringList expectedFiles{QStringLiteral("index.json")};
    for (const auto& entry : entries)
        expectedFiles << QString::fromStdString(entry["file"].get<std::string>());
    expectedFiles.sort();
    QCOMPARE(entriesOf(dir.path()), expectedFiles);
}

void TestTensorFolder::missingNpy()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.path().toStdString();
    minimascope::core::writeTensorFolder(path, sampleTensors());
    const QString missing = dir.filePath(QStringLiteral("layers.0.bias.npy"));
    QVERIFY(QFile::remove(missing));
    QVERIFY(throwsInputErrorMentioning([&] { minimascope::core::readTensorFolder(path); },
                                       {QStringLiteral("cannot read ") + missing, QStringLiteral("No such file")}));
}

void TestTensorFolder::shapeMismatch()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.path().toStdString();
    minimascope::core::writeTensorFolder(path, sampleTensors());
    nlohmann::json index = readIndex(dir.path());
    index["tensors"][0]["shape"] = {3, 4};
    writeIndex(dir.path(), index);
    QVERIFY(
        throwsInputErrorMentioning([&] { minimascope::core::readTensorFolder(path); },
                                   {QStringLiteral("index.json"), QStringLiteral("'layers.0.weight' has shape [3, 4] in"
                                                                                 " the index but [4, 3] in"
                                                                                 " layers.0.weight.npy")}));

    index = readIndex(dir.path());
    index["tensors"][0]["shape"] = {4, 3};
    index["tensors"][0]["dtype"] = "float64";
    writeIndex(dir.path(), index);
    QVERIFY(throwsInputErrorMentioning([&] { minimascope::core::readTensorFolder(path); },
                                       {QStringLiteral("dtype float64 in the index but float32")}));
}

void TestTensorFolder::damagedIndex_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("problem");
    const QByteArray entry = R"({"name": "b", "kind": "buffer", "file": "b.npy", "shape": [2],
                                "dtype": "float32"})";
    auto index = [](const QByteArray& tensors) {
        return R"({"format": "minimascope-tensors", "version": 1, "tensors": [)" + tensors + "]}";
    };
    QTest::newRow("not JSON") << QByteArray("{\"format\": ") << QStringLiteral("not valid JSON at key 'format'");
    QTest::newRow("empty file") << QByteArray() << QStringLiteral("not valid JSON (");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("expected a JSON object");
    QTest::newRow("wrong format") << QByteArray(R"({"format": "other", "version": 1, "tensors": []})")
                                  << QStringLiteral("not a MinimaScope tensor folder");
    QTest::newRow("future version") << QByteArray(R"({"format": "minimascope-tensors", "version": 2, "tensors": []})")
                                    << QStringLiteral("unsupported version 2");
    QTest::newRow("no tensors") << QByteArray(R"({"format": "minimascope-tensors", "version": 1})")
                                << QStringLiteral("missing key 'tensors'");
    QTest::newRow("tensors not an array")
        << QByteArray(R"({"format": "minimascope-tensors", "version": 1, "tensors": 3})")
        << QStringLiteral("key 'tensors' has the wrong type");
    QTest::newRow("entry without name") << index(QByteArray(entry).replace(R"("name": "b",)", ""))
                                        << QStringLiteral("tensors[0]: missing key 'name'");
    QTest::newRow("shape of strings") << index(QByteArray(entry).replace("[2]", R"(["2"])"))
                                      << QStringLiteral("tensors[0]: key 'shape' has the wrong type");
    QTest::newRow("file outside the folder")
        << index(QByteArray(entry).replace("b.npy", "../b.npy")) << QStringLiteral("is not a file name in the folder");
}

void TestTensorFolder::damagedIndex()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.path().toStdString();
    minimascope::core::writeNpy(dir.filePath(QStringLiteral("b.npy")).toStdString(), at::zeros({2}, at::kFloat));
    minimascope::core::writeFileAtomically(dir.filePath(QStringLiteral("index.json")).toStdString(),
                                           content.toStdString());
    const QString indexPath = dir.filePath(QStringLiteral("index.json"));
    QVERIFY(throwsInputErrorMentioning([&] { minimascope::core::readTensorFolder(path); },
                                       {indexPath + QLatin1String(": "), problem}));
}

void TestTensorFolder::missingIndex()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(throwsInputErrorMentioning([&] { minimascope::core::readTensorFolder(dir.path().toStdString()); },
                                       {QStringLiteral("cannot read ") + dir.filePath(QStringLiteral("index.json"))}));
}

void TestTensorFolder::unwritableParentIsAFile()
{
    // Works as root too, unlike a read-only directory.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("plain-file"));
    minimascope::core::writeFileAtomically(file.toStdString(), "keep");

    const QString below = file + QLatin1String("/snapshot");
    QVERIFY(throwsInputErrorMentioning(
        [&] { minimascope::core::writeTensorFolder(below.toStdString(), sampleTensors()); },
        {QStringLiteral("cannot create directory ") + below, QStringLiteral("Not a directory")}));
    QVERIFY(throwsInputErrorMentioning(
        [&] { minimascope::core::writeTensorFolder(file.toStdString(), sampleTensors()); },
        {QStringLiteral("cannot create directory ") + file, QStringLiteral("it exists and is not a directory")}));
    QVERIFY(throwsInputErrorMentioning(
        [&] {
            const QString npy = below + QLatin1String(".npy");
            minimascope::core::writeNpy(npy.toStdString(), at::ones({1}));
        },
        {QStringLiteral("cannot write ") + below + QLatin1String(".npy: Not a directory")}));

    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("plain-file")});
    QCOMPARE(minimascope::core::readWholeFile(file.toStdString()), std::string("keep"));
}

void TestTensorFolder::unwritableDirectoryWithoutRoot()
{
    if (::geteuid() == 0)
        QSKIP("permissions do not stop root from writing");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString locked = dir.filePath(QStringLiteral("locked"));
    QVERIFY(QDir().mkdir(locked));
    QVERIFY(::chmod(QFile::encodeName(locked).constData(), 0500) == 0);
    QVERIFY(throwsInputErrorMentioning(
        [&] { minimascope::core::writeTensorFolder(locked.toStdString(), sampleTensors()); },
        {QStringLiteral("cannot write ") + locked + QLatin1String("/"), QStringLiteral("Permission denied")}));
    QVERIFY(entriesOf(locked).isEmpty());
    ::chmod(QFile::encodeName(locked).constData(), 0700);
}

void TestTensorFolder::atomicWriteSucceeds()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("out.bin")).toStdString();
    const std::string first("binary\0content\n", 15);
    minimascope::core::writeFileAtomically(path, first);
    QCOMPARE(minimascope::core::readWholeFile(path), first);

    // Overwriting replaces the whole content, also with something shorter, and a large
    // content is written completely.
    minimascope::core::writeFileAtomically(path, "x");
    QCOMPARE(minimascope::core::readWholeFile(path), std::string("x"));
    std::string large(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < large.size(); ++i)
        large[i] = static_cast<char>(i * 31 % 251);
    minimascope::core::writeFileAtomically(path, large);
    QCOMPARE(minimascope::core::readWholeFile(path), large);
    minimascope::core::writeFileAtomically(path, "");
    QCOMPARE(minimascope::core::readWholeFile(path), std::string());

    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("out.bin")});
}

void TestTensorFolder::atomicWriteFailureLeavesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    // The temporary file is created and written, then the rename onto a directory fails:
    // the temporary file must be removed again.
    const QString target = dir.filePath(QStringLiteral("target"));
    QVERIFY(QDir().mkdir(target));
    QVERIFY(throwsInputErrorMentioning([&] { minimascope::core::writeFileAtomically(target.toStdString(), "data"); },
                                       {QStringLiteral("cannot write ") + target + QLatin1String(": Is a directory")}));

    const QString inMissingDir = dir.filePath(QStringLiteral("missing/out.bin"));
    QVERIFY(
        throwsInputErrorMentioning([&] { minimascope::core::writeFileAtomically(inMissingDir.toStdString(), "data"); },
                                   {QStringLiteral("cannot write ") + inMissingDir + QLatin1String(": No such file")}));

    QCOMPARE(entriesOf(dir.path()), QStringList{QStringLiteral("target")});
    QVERIFY(entriesOf(target).isEmpty());
}

void TestTensorFolder::readWholeFileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(
        throwsInputErrorMentioning([&] { minimascope::core::readWholeFile(dir.path().toStdString()); },
                                   {QStringLiteral("cannot read ") + dir.path() + QLatin1String(": Is a directory")}));
    const QString absent = dir.filePath(QStringLiteral("absent"));
    QVERIFY(throwsInputErrorMentioning(
        [&] { minimascope::core::readWholeFile(absent.toStdString()); },
        {QStringLiteral("cannot read ") + absent + QLatin1String(": No such file or directory")}));
}

MINIMASCOPE_TEST_APPLESS(TestTensorFolder)
#include "TestTensorFolder.moc"
