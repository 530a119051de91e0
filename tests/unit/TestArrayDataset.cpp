// The readers behind dataset.name "arrays" without Python: .npz archives built here byte by byte
// (stored and deflated members, zip64 extra fields as numpy writes them), CSV parsing (quotes, a
// label column anywhere, CRLF, blank lines), the checks of makeArrayDataset, and IDX folders whose
// images are not 28x28 (the shape comes from the header, and LeNet-5 sizes itself from it).
#include "common/InputError.h"
#include "data/ArrayDataset.h"
#include "data/CsvTable.h"
#include "data/DatasetSpec.h"
#include "data/IdxFile.h"
#include "data/NpzFile.h"
#include "io/Npy.h"
#include "models/ModelSpec.h"
#include "models/Network.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

void put16(std::string& out, uint32_t v)
{
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& out, uint32_t v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}
void put64(std::string& out, uint64_t v)
{
    put32(out, static_cast<uint32_t>(v));
    put32(out, static_cast<uint32_t>(v >> 32));
}

std::string deflateRaw(const std::string& data)
{
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// A zip archive of .npy members, as Python's zipfile writes it for numpy.savez(_compressed): a
// local header per member, then the central directory with zip64 extra fields when `zip64`.
std::string zipOf(const std::vector<std::pair<std::string, at::Tensor>>& arrays, bool deflated, bool zip64)
{
    std::string archive;
    std::string directory;
    for (const auto& [name, tensor] : arrays) {
        const std::string file = name + ".npy";
        const std::string raw = encodeNpy(tensor);
        const std::string data = deflated ? deflateRaw(raw) : raw;
        const uint32_t crc = static_cast<uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(raw.data()), static_cast<uInt>(raw.size())));
        const auto offset = static_cast<uint32_t>(archive.size());
        put32(archive, 0x04034b50);
        put16(archive, 20);
        put16(archive, 0);
        put16(archive, deflated ? 8 : 0);
        put32(archive, 0);
        put32(archive, crc);
        put32(archive, static_cast<uint32_t>(data.size()));
        put32(archive, static_cast<uint32_t>(raw.size()));
        put16(archive, static_cast<uint32_t>(file.size()));
        put16(archive, 0);
        archive += file + data;

        put32(directory, 0x02014b50);
        put16(directory, 20);
        put16(directory, 20);
        put16(directory, 0);
        put16(directory, deflated ? 8 : 0);
        put32(directory, 0);
        put32(directory, crc);
        put32(directory, zip64 ? 0xffffffffu : static_cast<uint32_t>(data.size()));
        put32(directory, zip64 ? 0xffffffffu : static_cast<uint32_t>(raw.size()));
        put16(directory, static_cast<uint32_t>(file.size()));
        put16(directory, zip64 ? 28 : 0);
        put16(directory, 0);
        put16(directory, 0);
        put16(directory, 0);
        put32(directory, 0);
        put32(directory, zip64 ? 0xffffffffu : offset);
        directory += file;
        if (zip64) {
            put16(directory, 1);
            put16(directory, 24);
            put64(directory, raw.size());
            put64(directory, data.size());
            put64(directory, offset);
        }
    }
    const auto start = static_cast<uint32_t>(archive.size());
    archive += directory;
    put32(archive, 0x06054b50);
    put32(archive, 0);
    put16(archive, static_cast<uint32_t>(arrays.size()));
    put16(archive, static_cast<uint32_t>(arrays.size()));
    put32(archive, static_cast<uint32_t>(directory.size()));
    put32(archive, start);
    put16(archive, 0);
    return archive;
}

void writeFile(const QString& path, const std::string& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

}   // namespace

class TestArrayDataset : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void npzMembers_data()
    {
        QTest::addColumn<bool>("deflated");
        QTest::addColumn<bool>("zip64");
        QTest::newRow("stored") << false << false;
        QTest::newRow("deflated") << true << false;
        QTest::newRow("stored zip64") << false << true;
        QTest::newRow("deflated zip64") << true << true;
    }

    void npzMembers()
    {
        QFETCH(bool, deflated);
        QFETCH(bool, zip64);
        const at::Tensor x = at::arange(60, at::kFloat).view({6, 10}) / 7.0;
        const at::Tensor y = at::tensor(std::vector<int64_t>{0, 1, 2, 0, 1, 2});
        writeFile(m_dir.filePath("a.npz"), zipOf({{"X", x}, {"y", y}}, deflated, zip64));
        const auto arrays = readNpz(path("a.npz"));
        QCOMPARE(arrays.size(), size_t{2});
        QVERIFY(at::equal(arrays.at("X"), x));
        QVERIFY(at::equal(arrays.at("y"), y));

        DatasetSpec spec;
        spec.name = "arrays";
        spec.path = path("a.npz");
        spec.n = 6;
        const DatasetPair pair = loadDatasets(spec);
        QCOMPARE(pair.train.numClasses, int64_t{3});
        QCOMPARE(pair.train.inputShape, std::vector<int64_t>{10});
        QCOMPARE(pair.test.size(), int64_t{0});
    }

    void badNpz()
    {
        writeFile(m_dir.filePath("text.npz"), "not a zip file at all, just some text");
        QVERIFY(inputErrorOf([&] { readNpz(path("text.npz")); }).contains("not a readable .npz archive"));
        std::string cut = zipOf({{"X", at::ones({4, 2})}}, true, false);
        cut.erase(40, 20);   // a hole in the member: the directory no longer lines up
        writeFile(m_dir.filePath("cut.npz"), cut);
        QVERIFY(inputErrorOf([&] { readNpz(path("cut.npz")); }).contains("cut.npz"));
        writeFile(m_dir.filePath("noy.npz"),
                  zipOf({{"X", at::ones({4, 2})}, {"labels", at::zeros({4})}}, false, false));
        ArraySource source;
        source.path = path("noy.npz");
        const QString error = inputErrorOf([&] { loadArrayDatasets(source); });
        QVERIFY2(error.contains("no array 'y' in the archive (it holds: X, labels"), qPrintable(error));
    }

    void csv()
    {
        writeFile(m_dir.filePath("t.csv"), "\"a\", label ,b\r\n1.5,2,3\r\n\r\n-4,0,5e-1\n7,1,8\n");
        const LabelledTable table = readLabelledCsv(path("t.csv"), "label");
        QVERIFY(at::equal(table.labels, at::tensor(std::vector<int64_t>{2, 0, 1})));
        QVERIFY(at::equal(table.features, at::tensor(std::vector<float>{1.5f, 3, -4, 0.5f, 7, 8}).view({3, 2})));
    }

    void badCsv_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("ragged") << "a,label\n1,0\n2,1,3\n"
                                << "line 3: 3 fields but the header has 2 (a ragged CSV)";
        QTest::newRow("text") << "a,label\n1,0\nx,1\n"
                              << "line 3, column 'a': 'x' is not a number";
        QTest::newRow("fraction") << "a,label\n1,0.5\n"
                                  << "line 2: label '0.5' is not an integer";
        QTest::newRow("no label") << "a,b\n1,0\n"
                                  << "no label column 'label' in the header (columns: 'a', 'b'";
        QTest::newRow("empty") << ""
                               << "the CSV file is empty";
        QTest::newRow("no rows") << "a,label\n"
                                 << "has a header but no rows";
    }

    void badCsv()
    {
        QFETCH(QString, content);
        QFETCH(QString, message);
        writeFile(m_dir.filePath("bad.csv"), content.toStdString());
        const QString error = inputErrorOf([&] { readLabelledCsv(path("bad.csv"), "label"); });
        QVERIFY2(error.startsWith(QString::fromStdString(path("bad.csv"))), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void arrayChecks()
    {
        const at::Tensor x = at::rand({5, 1, 4, 4});
        const at::Tensor y = at::tensor(std::vector<int64_t>{0, 1, 1, 0, 1});
        const Dataset images = makeArrayDataset(x, y, 0, "src");
        QCOMPARE(images.inputShape, (std::vector<int64_t>{1, 4, 4}));
        QCOMPARE(makeArrayDataset(x.view({5, 4, 4}), y, 0, "src").inputShape, (std::vector<int64_t>{1, 4, 4}));
        QCOMPARE(makeArrayDataset(x, y, 7, "src").numClasses, int64_t{7});
        QCOMPARE(makeArrayDataset(x, y.to(at::kByte), 0, "src").targets.scalar_type(), at::kLong);
        QVERIFY(inputErrorOf([&] { makeArrayDataset(x, y, 1, "src"); }).contains("label 1 at index 1 is outside 0..0"));
        QVERIFY(inputErrorOf([&] {
                    makeArrayDataset(x, at::zeros({5}, at::kLong), 0, "src");
                }).contains("needs at least two classes"));
        QVERIFY(inputErrorOf([&] { makeArrayDataset(at::rand({5}), y, 0, "src"); }).contains("X has 1 dimensions"));
        QVERIFY(inputErrorOf([&] {
                    makeArrayDataset(x, y.view({5, 1, 1}), 0, "src");
                }).contains("y must be one label per example"));
        const at::Tensor inf = x.clone();
        inf[3][0][1][2] = std::numeric_limits<float>::infinity();
        QVERIFY(inputErrorOf([&] {
                    makeArrayDataset(inf, y, 0, "src");
                }).contains("src: 1 examples have non-finite features (NaN or infinite), the first at index 3"));
    }

    void heldOutOfAnotherShape()
    {
        const std::string folder = path("shapes");
        QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
        const at::Tensor y = at::tensor(std::vector<int64_t>{0, 1, 0, 1});
        writeNpy(folder + "/X.npy", at::rand({4, 3}));
        writeNpy(folder + "/y.npy", y);
        writeNpy(folder + "/X_test.npy", at::rand({4, 5}));
        ArraySource source;
        source.path = folder;
        QVERIFY(inputErrorOf([&] { loadArrayDatasets(source); }).contains("X_test.npy has no y_test.npy"));
        writeNpy(folder + "/y_test.npy", y);
        const QString error = inputErrorOf([&] { loadArrayDatasets(source); });
        QVERIFY2(error.contains("held-out examples have shape [5] but training examples [3]"), qPrintable(error));
    }

    void idxImagesOfAnySize()
    {
        // A 32x32 "MNIST": the shape comes from the header, and LeNet-5 builds for it.
        const std::string folder = path("idx32");
        QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
        const at::Tensor images = at::randint(0, 256, {20, 32, 32}, at::kByte);
        const at::Tensor labels = at::arange(20, at::kLong).remainder(10).to(at::kByte);
        writeIdx(folder + "/train-images-idx3-ubyte", images);
        writeIdx(folder + "/train-labels-idx1-ubyte.gz", labels);
        writeIdx(folder + "/t10k-images-idx3-ubyte", images);
        writeIdx(folder + "/t10k-labels-idx1-ubyte", labels);
        DatasetSpec spec;
        spec.path = folder;
        spec.n = 20;
        spec.testN = 10;
        const DatasetPair pair = loadDatasets(spec);
        QCOMPARE(pair.train.inputShape, (std::vector<int64_t>{1, 32, 32}));
        const auto lenet = buildModel(modelPreset("lenet5"), pair.train, 0);
        QCOMPARE(lenet->forward(pair.train.inputs).sizes(), (at::IntArrayRef{20, 10}));

        writeIdx(folder + "/t10k-images-idx3-ubyte", at::zeros({20, 28, 28}, at::kByte));
        const QString error = inputErrorOf([&] { loadDatasets(spec); });
        QVERIFY2(error.contains("images of 28x28 pixels, but"), qPrintable(error));
    }
};

MINIMASCOPE_TEST_GUILESS(TestArrayDataset)
#include "TestArrayDataset.moc"
