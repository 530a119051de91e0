// The .npy codec: exact round trips, NumPy's header layout byte for byte, clear errors for
// malformed files, and interop with the real numpy through /usr/bin/python3.
#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <string>
#include <vector>

using minimascope::core::InputError;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

at::ScalarType dtypeFromName(const QString& name)
{
    if (name == QLatin1String("float32"))
        return at::kFloat;
    if (name == QLatin1String("float64"))
        return at::kDouble;
    if (name == QLatin1String("int64"))
        return at::kLong;
    if (name == QLatin1String("int32"))
        return at::kInt;
    if (name == QLatin1String("uint8"))
        return at::kByte;
    qFatal("unknown dtype name %s", qPrintable(name));
}

// Values that exercise sign, fractions and the full byte range, all exactly representable:
// i * 0.25 - 1 for floats, i * 3 - 5 for signed integers, (i * 7) % 256 for uint8. The
// Python side computes the same formula.
at::Tensor sampleTensor(at::ScalarType dtype, const std::vector<int64_t>& shape)
{
    const at::Tensor i = at::arange(c10::multiply_integers(shape), at::kLong).reshape(shape);
    switch (dtype) {
    case at::kFloat:
    case at::kDouble: return (i.to(at::kDouble) * 0.25 - 1).to(dtype);
    case at::kByte: return (i * 7).remainder(256).to(dtype);
    default: return (i * 3 - 5).to(dtype);
    }
}

std::vector<int64_t> toShape(const QList<qint64>& shape) { return std::vector<int64_t>(shape.begin(), shape.end()); }

// A .npy file with an arbitrary header dict, padded the way NumPy pads it.
std::string makeNpy(const std::string& dict, const std::string& data, int major = 1)
{
    const std::size_t prefix = major == 1 ? 10 : 12;
    std::string header = dict;
    header.append(64 - (prefix + header.size() + 1) % 64, ' ');
    header.push_back('\n');
    std::string bytes("\x93NUMPY", 6);
    bytes.push_back(static_cast<char>(major));
    bytes.push_back('\0');
    for (std::size_t i = 0; i < prefix - 8; ++i)
        bytes.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
    return bytes + header + data;
}

std::string floatBytes(std::size_t count) { return std::string(count * 4, '\0'); }

bool havePythonNumpy()
{
    static const bool available = [] {
        if (!QFileInfo(kPython).isExecutable())
            return false;
        QProcess process;
        process.start(kPython, {QStringLiteral("-c"), QStringLiteral("import numpy")});
        return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit
               && process.exitCode() == 0;
    }();
    return available;
}

// Runs a Python snippet with arguments; fails the test (returns empty) on a non-zero exit.
QByteArray runPython(const QString& script, const QStringList& arguments)
{
    QProcess process;
    process.start(kPython, QStringList{QStringLiteral("-c"), script} + arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("python failed: %s", process.readAllStandardError().constData());
        return {};
    }
    return process.readAllStandardOutput();
}

const char* const kPythonValues = R"(
def sample(dtype, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    if dtype.startswith('float'):
        return (i * 0.25 - 1).astype(dtype)
    if dtype == 'uint8':
        return ((i * 7) % 256).astype(dtype)
    return (i * 3 - 5).astype(dtype)
)";

void addDtypeShapeRows()
{
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<QList<qint64>>("shape");
    // Sixteen ones make the header long enough that NumPy's growth padding decides whether
    // it takes 128 or 192 bytes.
    const QList<QList<qint64>> shapes = {{}, {3}, {2, 3, 4}, {0, 5}, QList<qint64>(16, 1)};
    for (const char* dtype : {"float32", "float64", "int64", "int32", "uint8"}) {
        for (const QList<qint64>& shape : shapes) {
            QStringList dims;
            for (qint64 dim : shape)
                dims << QString::number(dim);
            const QString row = QStringLiteral("%1 (%2)").arg(dtype, dims.join(QLatin1Char(',')));
            QTest::newRow(qPrintable(row)) << QString::fromLatin1(dtype) << shape;
        }
    }
}

}   // namespace

class TestNpy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void roundTripNonContiguous();
    void headerLayout_data();
    void headerLayout();
    void acceptsVersion2AndLittleEndianU1();
    void malformed_data();
    void malformed();
    void everyTruncationIsAnError();
    void readMissingFile();
    void pythonReadsOurFiles_data();
    void pythonReadsOurFiles();
    void weReadPythonFiles_data();
    void weReadPythonFiles();
};

void TestNpy::roundTrip_data() { addDtypeShapeRows(); }

void TestNpy::roundTrip()
{
    QFETCH(QString, dtype);
    QFETCH(QList<qint64>, shape);
    const at::Tensor original = sampleTensor(dtypeFromName(dtype), toShape(shape));

    const at::Tensor decoded = minimascope::core::decodeNpy(minimascope::core::encodeNpy(original), "mem.npy");
    QCOMPARE(decoded.scalar_type(), original.scalar_type());
    QCOMPARE(decoded.sizes().vec(), toShape(shape));
    QVERIFY(at::equal(decoded, original));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("t.npy")).toStdString();
    minimascope::core::writeNpy(path, original);
    const at::Tensor loaded = minimascope::core::readNpy(path);
    QCOMPARE(loaded.sizes().vec(), toShape(shape));
    QVERIFY(at::equal(loaded, original));
}

void TestNpy::roundTripNonContiguous()
{
    // A transposed view must be written in logical (C) order, not storage order.
    const at::Tensor base = at::arange(6, at::kFloat).reshape({2, 3});
    const at::Tensor transposed = base.t();
    QVERIFY(!transposed.is_contiguous());
    const at::Tensor decoded = minimascope::core::decodeNpy(minimascope::core::encodeNpy(transposed), "mem.npy");
    QCOMPARE(decoded.sizes().vec(), (std::vector<int64_t>{3, 2}));
    QCOMPARE(decoded[0][1].item<float>(), 3.0f);
    QCOMPARE(decoded[2][0].item<float>(), 2.0f);
}

void TestNpy::headerLayout_data()
{
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<QString>("dict");
    QTest::newRow("2-d float32") << QList<qint64>{256, 784} << QStringLiteral("float32")
                                 << QStringLiteral("{'descr': '<f4', 'fortran_order': False, "
                                                   "'shape': (256, 784), }");
    QTest::newRow("0-d float64") << QList<qint64>{} << QStringLiteral("float64")
                                 << QStringLiteral("{'descr': '<f8', 'fortran_order': False, "
                                                   "'shape': (), }");
    QTest::newRow("1-d uint8") << QList<qint64>{3} << QStringLiteral("uint8")
                               << QStringLiteral("{'descr': '|u1', 'fortran_order': False, "
                                                 "'shape': (3,), }");
    QTest::newRow("3-d int32") << QList<qint64>{2, 3, 4} << QStringLiteral("int32")
                               << QStringLiteral("{'descr': '<i4', 'fortran_order': False, "
                                                 "'shape': (2, 3, 4), }");
}

void TestNpy::headerLayout()
{
    QFETCH(QList<qint64>, shape);
    QFETCH(QString, dtype);
    QFETCH(QString, dict);
    const at::Tensor tensor = at::zeros(toShape(shape), dtypeFromName(dtype));
    const std::string bytes = minimascope::core::encodeNpy(tensor);

    QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const auto byteAt = [&](std::size_t i) { return std::size_t{static_cast<unsigned char>(bytes[i])}; };
    const std::size_t headerSize = byteAt(8) | (byteAt(9) << 8);
    QCOMPARE((10 + headerSize) % 64, std::size_t{0});
    QCOMPARE(bytes.size(), 10 + headerSize + static_cast<std::size_t>(tensor.nbytes()));
    const std::string header = bytes.substr(10, headerSize);
    QCOMPARE(QString::fromStdString(header.substr(0, static_cast<std::size_t>(dict.size()))), dict);
    QCOMPARE(header.back(), '\n');
    QVERIFY(header.find_first_not_of(' ', static_cast<std::size_t>(dict.size())) == headerSize - 1);
}

void TestNpy::acceptsVersion2AndLittleEndianU1()
{
    const std::string v2 = makeNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                                   std::string("\x07\0\0\0\xff\xff\xff\xff", 8), 2);
    const at::Tensor ints = minimascope::core::decodeNpy(v2, "v2.npy");
    QCOMPARE(ints.scalar_type(), at::kInt);
    QCOMPARE(ints[0].item<int32_t>(), 7);
    QCOMPARE(ints[1].item<int32_t>(), -1);

    const std::string u1 = makeNpy("{'shape': (3,), 'fortran_order': False, 'descr': '<u1'}", "\x01\x02\xff");
    const at::Tensor bytes = minimascope::core::decodeNpy(u1, "u1.npy");
    QCOMPARE(bytes.scalar_type(), at::kByte);
    QCOMPARE(bytes[2].item<uint8_t>(), uint8_t{255});
}

void TestNpy::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("problem");

    auto row = [](const char* name, const std::string& bytes, const char* problem) {
        QTest::newRow(name) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()))
                            << QString::fromLatin1(problem);
    };
    const std::string good = makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floatBytes(6));
    std::string badMagic = good;
    badMagic[1] = 'X';

    row("empty", "", "bad magic");
    row("bad magic", badMagic, "bad magic");
    row("short magic", "\x93NUM", "bad magic");
    row("version 3.0", std::string("\x93NUMPY\x03\x00", 8) + good.substr(8), "version 3.0");
    row("header length past end", good.substr(0, 40), "truncated .npy header");
    row("prefix only", good.substr(0, 9), "truncated .npy header");
    row("truncated data", good.substr(0, good.size() - 1), "truncated data");
    row("trailing data", good + "x", "size mismatch");
    row("fortran order", makeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", floatBytes(6)),
        "Fortran");
    row("big-endian", makeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", floatBytes(6)),
        "big-endian");
    row("unsupported dtype", makeNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", floatBytes(4)),
        "unsupported dtype '<c8'");
    row("garbage header", makeNpy("\x01\x02garbage", ""), "malformed .npy header");
    row("unquoted descr", makeNpy("{'descr': <f4, 'fortran_order': False, 'shape': (2, 3), }", floatBytes(6)),
        "malformed .npy header");
    row("missing shape", makeNpy("{'descr': '<f4', 'fortran_order': False, }", floatBytes(1)), "malformed .npy header");
    row("unknown key", makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", floatBytes(1)),
        "unexpected or repeated key 'x'");
    row("shape not a tuple", makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }", floatBytes(1)),
        "not a tuple");
    row("negative dimension", makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", floatBytes(1)),
        "malformed .npy header");
    row("unterminated string", makeNpy("{'descr': '<f4", ""), "malformed .npy header");
    row("huge shape",
        makeNpy("{'descr': '<f4', 'fortran_order': False, "
                "'shape': (4294967296, 4294967296, 4294967296), }",
                floatBytes(1)),
        "too large");
    row("huge shape with a zero",
        makeNpy("{'descr': '<f8', 'fortran_order': False, "
                "'shape': (0, 4294967296, 4294967296), }",
                ""),
        "too large");
    row("dimension beyond int64",
        makeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", floatBytes(1)),
        "dimension too large");
}

void TestNpy::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, problem);
    try {
        minimascope::core::decodeNpy(bytes.toStdString(), "fixture.npy");
        QFAIL("no InputError");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.startsWith(QLatin1String("fixture.npy: ")), qPrintable(message));
        QVERIFY2(message.contains(problem), qPrintable(message));
    }
}

void TestNpy::everyTruncationIsAnError()
{
    const std::string good = minimascope::core::encodeNpy(at::ones({3, 5}, at::kDouble));
    for (std::size_t length = 0; length < good.size(); ++length) {
        QVERIFY_THROWS_EXCEPTION(InputError, minimascope::core::decodeNpy(good.substr(0, length), "cut.npy"));
    }
}

void TestNpy::readMissingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("absent.npy")).toStdString();
    try {
        minimascope::core::readNpy(path);
        QFAIL("no InputError");
    } catch (const InputError& error) {
        QCOMPARE(QString::fromUtf8(error.what()),
                 QString::fromStdString("cannot read " + path + ": No such file or directory"));
    }
}

void TestNpy::pythonReadsOurFiles_data() { addDtypeShapeRows(); }

void TestNpy::pythonReadsOurFiles()
{
    if (!havePythonNumpy())
        QSKIP("/usr/bin/python3 with numpy (python3-numpy) is not available");
    QFETCH(QString, dtype);
    QFETCH(QList<qint64>, shape);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("ours.npy"));
    const at::Tensor tensor = sampleTensor(dtypeFromName(dtype), toShape(shape));
    minimascope::core::writeNpy(path.toStdString(), tensor);

    // numpy loads it, compares it with its own computation of the values, and re-saves it to
    // check that our bytes are exactly what np.save writes.
    const QString script = QStringLiteral("import io, json, sys\nimport numpy as np\n") + QLatin1String(kPythonValues)
                           + QStringLiteral(R"(
a = np.load(sys.argv[1])
buf = io.BytesIO()
np.save(buf, a)
print(json.dumps({'dtype': a.dtype.name, 'shape': list(a.shape),
                  'first': a.ravel()[:3].tolist(),
                  'matches': bool(np.array_equal(a, sample(a.dtype.name, a.shape))),
                  'identical': buf.getvalue() == open(sys.argv[1], 'rb').read()}))
)");
    const QByteArray output = runPython(script, {path});
    QVERIFY(!output.isEmpty());
    const QJsonObject result = QJsonDocument::fromJson(output).object();
    QCOMPARE(result.value(QLatin1String("dtype")).toString(), dtype);
    QList<qint64> pythonShape;
    for (const QJsonValue& dim : result.value(QLatin1String("shape")).toArray())
        pythonShape << dim.toInteger();
    QCOMPARE(pythonShape, shape);
    const QJsonArray first = result.value(QLatin1String("first")).toArray();
    const at::Tensor flat = tensor.reshape({-1}).to(at::kDouble);
    QCOMPARE(first.size(), std::min<qsizetype>(3, flat.numel()));
    for (qsizetype i = 0; i < first.size(); ++i)
        QCOMPARE(first[i].toDouble(), flat[i].item<double>());
    QVERIFY(result.value(QLatin1String("matches")).toBool());
    QVERIFY(result.value(QLatin1String("identical")).toBool());
}

void TestNpy::weReadPythonFiles_data() { addDtypeShapeRows(); }

void TestNpy::weReadPythonFiles()
{
    if (!havePythonNumpy())
        QSKIP("/usr/bin/python3 with numpy (python3-numpy) is not available");
    QFETCH(QString, dtype);
    QFETCH(QList<qint64>, shape);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("theirs.npy"));
    QStringList dims;
    for (qint64 dim : shape)
        dims << QString::number(dim);

    const QString script = QStringLiteral("import sys\nimport numpy as np\n") + QLatin1String(kPythonValues)
                           + QStringLiteral(R"(
shape = tuple(int(d) for d in sys.argv[3].split(',') if d)
np.save(sys.argv[1], sample(sys.argv[2], shape))
print('ok')
)");
    QCOMPARE(runPython(script, {path, dtype, dims.join(QLatin1Char(','))}).trimmed(), QByteArray("ok"));

    const at::Tensor loaded = minimascope::core::readNpy(path.toStdString());
    QCOMPARE(loaded.scalar_type(), dtypeFromName(dtype));
    QCOMPARE(loaded.sizes().vec(), toShape(shape));
    QVERIFY(at::equal(loaded, sampleTensor(dtypeFromName(dtype), toShape(shape))));
}

MINIMASCOPE_TEST_APPLESS(TestNpy)
#include "TestNpy.moc"
