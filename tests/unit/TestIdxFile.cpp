// IDX reading and writing: round trips, every malformed-file error, the classification
// loader, and the real Fashion-MNIST files when installed.
#include "common/InputError.h"
#include "data/Dataset.h"
#include "data/FashionMnist.h"
#include "data/IdxFile.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <QTest>

#include <functional>
#include <string>
#include <vector>

using namespace minimascope::core;

namespace {

// IDX header bytes (type 0x08 unless given) followed by `payload` bytes counting up.
QByteArray idxBytes(const std::vector<uint32_t>& dims, int payload, uint8_t type = 0x08)
{
    QByteArray bytes;
    bytes.append(char(0)).append(char(0)).append(char(type)).append(char(dims.size()));
    for (uint32_t d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.append(char((d >> shift) & 0xff));
    }
    for (int i = 0; i < payload; ++i)
        bytes.append(char(i & 0xff));
    return bytes;
}

// The gzip file (one member) holding `content`.
QByteArray gzipped(const QByteArray& content)
{
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(int(deflateBound(&zs, uLong(content.size()))), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.constData()));
    zs.avail_in = uInt(content.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    const int ret = deflate(&zs, Z_FINISH);
    out.resize(int(zs.total_out));
    deflateEnd(&zs);
    return ret == Z_STREAM_END ? out : QByteArray();
}

// A uint8 tensor of the given shape filled with a recognisable pattern.
at::Tensor pattern(const std::vector<int64_t>& shape)
{
    int64_t numel = 1;
    for (int64_t s : shape)
        numel *= s;
    return (at::arange(numel, at::kLong) * 37 + 11).remainder(256).to(at::kByte).reshape(shape);
}

}   // namespace

class TestIdxFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

    void writeBytes(const QString& name, const QByteArray& bytes) const
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), bytes.size());
    }

    QByteArray readBytes(const QString& name) const
    {
        QFile file(m_dir.filePath(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QList<qint64>>("shape");
        QTest::newRow("1d raw") << "a.idx" << QList<qint64>{17};
        QTest::newRow("2d raw") << "b.idx" << QList<qint64>{3, 5};
        QTest::newRow("3d raw") << "c.idx" << QList<qint64>{4, 28, 28};
        QTest::newRow("4d raw") << "d.idx" << QList<qint64>{2, 3, 4, 5};
        QTest::newRow("empty raw") << "e.idx" << QList<qint64>{0, 28, 28};
        QTest::newRow("1d gz") << "a.idx.gz" << QList<qint64>{17};
        QTest::newRow("3d gz") << "c.idx.gz" << QList<qint64>{100, 28, 28};
        QTest::newRow("4d gz") << "d.idx.gz" << QList<qint64>{2, 3, 4, 5};
        QTest::newRow("empty gz") << "e.idx.gz" << QList<qint64>{5, 0};
    }
    void roundTrip()
    {
        QFETCH(QString, fileName);
        QFETCH(QList<qint64>, shape);
        const at::Tensor original = pattern(std::vector<int64_t>(shape.begin(), shape.end()));
        writeIdx(path(fileName), original);

        const QByteArray bytes = readBytes(fileName);
        const bool gzip = bytes.startsWith("\x1f\x8b");
        QCOMPARE(gzip, fileName.endsWith(".gz"));
        if (!gzip) {   // exact layout: magic, type, dims, big-endian sizes, data
            QCOMPARE(bytes.size(), 4 + 4 * shape.size() + original.numel());
            QCOMPARE(bytes.left(4), QByteArray("\0\0\x08", 3).append(char(shape.size())));
        }

        const at::Tensor back = readIdx(path(fileName));
        QCOMPARE(back.scalar_type(), at::kByte);
        QCOMPARE(back.sizes().vec(), original.sizes().vec());
        QVERIFY(at::equal(back, original));
    }

    // A run on the first n examples reads only those: the same records as the whole file's
    // first n, from raw and gzip files, even when what follows them is cut off.
    void readsOnlyTheLeadingRecords_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("raw") << "head.idx";
        QTest::newRow("gz") << "head.idx.gz";
    }
    void readsOnlyTheLeadingRecords()
    {
        QFETCH(QString, fileName);
        const at::Tensor original = pattern({500, 28, 28});
        writeIdx(path(fileName), original);
        for (int64_t count : {int64_t(0), int64_t(1), int64_t(7), int64_t(499), int64_t(500), int64_t(10000)}) {
            const at::Tensor head = readIdx(path(fileName), count);
            const int64_t expected = std::min<int64_t>(count, 500);
            QCOMPARE(head.sizes().vec(), (std::vector<int64_t>{expected, 28, 28}));
            QVERIFY(at::equal(head, original.slice(0, 0, expected)));
        }
        // 20 records claimed, 3 and a half present: the first 3 are intact, the 4th is not.
        const QByteArray cut = idxBytes({20, 28, 28}, 3 * 784 + 400);
        writeBytes(fileName, fileName.endsWith(".gz") ? gzipped(cut) : cut);
        QCOMPARE(readIdx(path(fileName), 3).size(0), int64_t(3));
        const QString message = inputErrorOf([&] { readIdx(path(fileName), 4); });
        QVERIFY2(message.contains("truncated"), qPrintable(message));
    }

    void classificationReadsTheFirstExamples()
    {
        writeIdx(path("head-images.idx"), pattern({6, 3, 4}));
        writeIdx(path("head-labels.idx.gz"), at::tensor({2, 1, 0, 2, 1, 0}, at::kByte));
        const Dataset d = readIdxClassification(path("head-images.idx"), path("head-labels.idx.gz"), 3, "toy", 4);
        QCOMPARE(d.inputs.sizes().vec(), (std::vector<int64_t>{4, 1, 3, 4}));
        QVERIFY(at::equal(d.targets, at::tensor({2, 1, 0, 2}, at::kLong)));
    }

    // gzip -c a b > ab.gz makes a file of two members; zlib readers must continue after the
    // first.
    void readsConcatenatedGzipMembers()
    {
        const QByteArray raw = idxBytes({10}, 10);
        const std::string file = path("multi.idx.gz");
        for (const char* mode : {"wb", "ab"}) {
            gzFile gz = gzopen(file.c_str(), mode);
            QVERIFY(gz != nullptr);
            const QByteArray part = mode[0] == 'w' ? raw.left(7) : raw.mid(7);
            QCOMPARE(gzwrite(gz, part.constData(), unsigned(part.size())), int(part.size()));
            QCOMPARE(gzclose(gz), Z_OK);
        }
        const at::Tensor t = readIdx(file);
        QCOMPARE(t.numel(), 10);
        QCOMPARE(t[9].item<int>(), 9);
    }

    void badFile_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("content");   // null: the file is not created
        QTest::addColumn<QString>("keyword");

        const QByteArray good = idxBytes({10}, 10);
        const QByteArray goodGz = gzipped(idxBytes({100, 28, 28}, 100 * 28 * 28));
        QByteArray corruptGz = goodGz;
        for (int i = 20; i < 60; ++i)
            corruptGz[i] = char(0xA5 ^ i);
        QByteArray garbageAfterGz = goodGz;
        garbageAfterGz.append("garbage");

        QTest::newRow("missing") << "missing.idx" << QByteArray() << "cannot open";
        QTest::newRow("empty") << "empty.idx" << QByteArray("") << "truncated";
        QTest::newRow("bad magic") << "magic.idx" << QByteArray("\x01\x00", 2) + good.mid(2) << "magic";
        QTest::newRow("text file") << "text.idx" << QByteArray("hello, world") << "magic";
        QTest::newRow("float type") << "float.idx" << idxBytes({10}, 40, 0x0D) << "unsupported IDX data type 0x0D";
        QTest::newRow("int type") << "int.idx" << idxBytes({10}, 40, 0x0C) << "data type";
        QTest::newRow("zero dims") << "dims0.idx" << idxBytes({}, 4) << "number of dimensions 0";
        QTest::newRow("five dims") << "dims5.idx" << idxBytes({1, 1, 1, 1, 1}, 1) << "number of dimensions 5";
        QTest::newRow("header cut") << "header.idx" << idxBytes({2, 3, 4}, 0).left(10) << "truncated header";
        QTest::newRow("data cut") << "short.idx" << idxBytes({4, 28, 28}, 4 * 28 * 28 - 1)
                                  << "truncated: dimensions 4x28x28 need 3136 data bytes, the "
                                     "file has 3135";
        QTest::newRow("trailing") << "long.idx" << idxBytes({4, 28, 28}, 4 * 28 * 28 + 1) << "trailing bytes";
        QTest::newRow("huge dims") << "huge.idx" << idxBytes({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, 8)
                                   << "need more than 2^64 data bytes";
        QTest::newRow("gz name, raw data") << "raw.idx.gz" << good << "named .gz but is not gzip data";
        QTest::newRow("corrupt gzip") << "corrupt.idx.gz" << corruptGz << "corrupt gzip";
        QTest::newRow("cut gzip") << "cut.idx.gz" << goodGz.left(goodGz.size() / 2) << "corrupt gzip";
        QTest::newRow("gzip header only") << "stub.idx.gz" << goodGz.left(10) << "corrupt gzip";
        QTest::newRow("garbage after gzip") << "tail.idx.gz" << garbageAfterGz << "corrupt gzip";
        QTest::newRow("gzip of bad magic")
            << "magic.idx.gz" << gzipped(QByteArray("\x01\x00", 2) + good.mid(2)) << "magic";
        QTest::newRow("gzip of cut data") << "short.idx.gz" << gzipped(good.left(good.size() - 1)) << "truncated";
        QTest::newRow("directory") << "." << QByteArray() << "cannot read";
    }
    void badFile()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, content);
        QFETCH(QString, keyword);
        if (!content.isNull())
            writeBytes(fileName, content);
        const std::string file = path(fileName);
        const QString message = inputErrorOf([&] { readIdx(file); });
        QVERIFY2(message.startsWith(QString::fromStdString(file) + ": "), qPrintable(message));
        QVERIFY2(message.contains(keyword), qPrintable(message));
    }

    // Compression is recognised by content, so a decompressed-looking name still works.
    void readsGzipWhateverTheName()
    {
        writeBytes("plain-name.idx", gzipped(idxBytes({2, 3}, 6)));
        const at::Tensor t = readIdx(path("plain-name.idx"));
        QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(t[1][2].item<int>(), 5);
    }

    void writeErrorNamesThePath_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("raw") << "no-such-dir/x.idx";
        QTest::newRow("gz") << "no-such-dir/x.idx.gz";
    }
    void writeErrorNamesThePath()
    {
        QFETCH(QString, fileName);
        const std::string file = path(fileName);
        const QString message = inputErrorOf([&] { writeIdx(file, pattern({3})); });
        QVERIFY2(message.startsWith(QString::fromStdString(file) + ": cannot write"), qPrintable(message));
    }

    void classificationScalesPixelsAndKeepsLabels()
    {
        at::Tensor images = pattern({5, 3, 4});
        images[0][0][0] = 255;
        images[0][0][1] = 0;
        writeIdx(path("img.idx"), images);
        writeIdx(path("lab.idx.gz"), at::tensor({0, 2, 1, 2, 0}, at::kByte));

        const Dataset d = readIdxClassification(path("img.idx"), path("lab.idx.gz"), 3, "toy");
        QCOMPARE(d.name, std::string("toy"));
        QVERIFY(d.task == Task::Classification);
        QCOMPARE(d.numClasses, int64_t(3));
        QCOMPARE(d.inputShape, (std::vector<int64_t>{1, 3, 4}));
        QCOMPARE(d.inputs.scalar_type(), at::kFloat);
        QCOMPARE(d.inputs.sizes().vec(), (std::vector<int64_t>{5, 1, 3, 4}));
        QCOMPARE(d.inputs[0][0][0][0].item<float>(), 1.0f);
        QCOMPARE(d.inputs[0][0][0][1].item<float>(), 0.0f);
        QCOMPARE(d.inputs[3][0][2][1].item<float>(), images[3][2][1].item<float>() / 255.0f);
        QVERIFY(at::allclose(d.inputs.squeeze(1) * 255, images.to(at::kFloat)));
        QCOMPARE(d.targets.scalar_type(), at::kLong);
        QVERIFY(at::equal(d.targets, at::tensor({0, 2, 1, 2, 0}, at::kLong)));
        QCOMPARE(d.outputCount(), int64_t(3));
    }

    void classificationCountMismatch()
    {
        writeIdx(path("img5.idx"), pattern({5, 2, 2}));
        writeIdx(path("lab4.idx"), at::zeros({4}, at::kByte));
        const QString message = inputErrorOf(
            [&] { readIdxClassification(path("img5.idx"), path("lab4.idx"), 10, "x"); });
        QVERIFY2(message.contains(QString::fromStdString(path("img5.idx"))), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(path("lab4.idx"))), qPrintable(message));
        QVERIFY2(message.contains("5 images") && message.contains("4 labels"), qPrintable(message));
    }

    void classificationLabelOutOfRange()
    {
        writeIdx(path("img3.idx"), pattern({3, 2, 2}));
        writeIdx(path("lab3.idx"), at::tensor({1, 9, 10}, at::kByte));
        const QString message = inputErrorOf(
            [&] { readIdxClassification(path("img3.idx"), path("lab3.idx"), 10, "x"); });
        QVERIFY2(message.startsWith(QString::fromStdString(path("lab3.idx")) + ": "), qPrintable(message));
        QVERIFY2(message.contains("label 10 at index 2"), qPrintable(message));
    }

    void classificationWrongRank()
    {
        writeIdx(path("flat.idx"), pattern({3, 4}));
        writeIdx(path("lab3b.idx"), at::zeros({3}, at::kByte));
        const QString message = inputErrorOf(
            [&] { readIdxClassification(path("flat.idx"), path("lab3b.idx"), 10, "x"); });
        QVERIFY2(message.startsWith(QString::fromStdString(path("flat.idx")) + ": "), qPrintable(message));
        QVERIFY2(message.contains("3 dimensions"), qPrintable(message));
    }

    void fashionMnistMissingFile()
    {
        const QString dir = m_dir.filePath("fmnist-incomplete");
        QVERIFY(QDir().mkpath(dir));
        writeIdx((dir + "/train-images-idx3-ubyte").toStdString(), pattern({2, 28, 28}));
        const QString message = inputErrorOf([&] { loadFashionMnist(dir.toStdString()); });
        QVERIFY2(message.startsWith(dir + ": "), qPrintable(message));
        QVERIFY2(message.contains("train-labels-idx1-ubyte"), qPrintable(message));

        const QString absent = m_dir.filePath("no-such-dir");
        const QString missingDir = inputErrorOf([&] { loadFashionMnist(absent.toStdString()); });
        QVERIFY2(missingDir.startsWith(absent + ": "), qPrintable(missingDir));
    }

    // Raw and compressed files can be mixed; the raw one wins when both are there.
    void fashionMnistFindsEitherName()
    {
        const QString dir = m_dir.filePath("fmnist-small");
        QVERIFY(QDir().mkpath(dir));
        const auto file = [&](const char* name) { return (dir + "/" + name).toStdString(); };
        writeIdx(file("train-images-idx3-ubyte.gz"), pattern({3, 28, 28}));
        writeIdx(file("train-labels-idx1-ubyte"), at::tensor({9, 0, 3}, at::kByte));
        writeIdx(file("train-labels-idx1-ubyte.gz"), at::tensor({1, 1, 1}, at::kByte));
        writeIdx(file("t10k-images-idx3-ubyte"), pattern({2, 28, 28}));
        writeIdx(file("t10k-labels-idx1-ubyte.gz"), at::tensor({4, 5}, at::kByte));

        const DatasetPair pair = loadFashionMnist(dir.toStdString());
        QCOMPARE(pair.train.size(), int64_t(3));
        QCOMPARE(pair.test.size(), int64_t(2));
        QVERIFY(at::equal(pair.train.targets, at::tensor({9, 0, 3}, at::kLong)));
        QVERIFY(at::equal(pair.test.targets, at::tensor({4, 5}, at::kLong)));
        QCOMPARE(pair.train.name, std::string("fashion-mnist"));
        QCOMPARE(pair.train.numClasses, int64_t(10));
    }

    void realFashionMnist()
    {
        const std::string dir = defaultFashionMnistDir();
        QCOMPARE(dir, std::string("/usr/share/datasets/fashion-mnist"));
        if (!QDir(QString::fromStdString(dir)).exists())
            QSKIP("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
        const DatasetPair pair = loadFashionMnist(dir);
        for (const Dataset* d : {&pair.train, &pair.test}) {
            QCOMPARE(d->name, std::string("fashion-mnist"));
            QVERIFY(d->task == Task::Classification);
            QCOMPARE(d->numClasses, int64_t(10));
            QCOMPARE(d->inputShape, (std::vector<int64_t>{1, 28, 28}));
            QCOMPARE(d->inputs.min().item<float>(), 0.0f);
            QCOMPARE(d->inputs.max().item<float>(), 1.0f);
            // Both splits are exactly balanced: 6,000 and 1,000 per class.
            QVERIFY(at::equal(at::bincount(d->targets), at::full({10}, d->size() / 10, at::kLong)));
        }
        QCOMPARE(pair.train.inputs.sizes().vec(), (std::vector<int64_t>{60000, 1, 28, 28}));
        QCOMPARE(pair.test.inputs.sizes().vec(), (std::vector<int64_t>{10000, 1, 28, 28}));
        // First examples, checked against Python's gzip module: both are ankle boots (9),
        // the next training labels are T-shirt, T-shirt, dress; the first image sums to
        // 76247 in raw bytes.
        QCOMPARE(pair.train.targets[0].item<int64_t>(), int64_t(9));
        QCOMPARE(pair.test.targets[0].item<int64_t>(), int64_t(9));
        QVERIFY(at::equal(pair.train.targets.slice(0, 0, 4), at::tensor({9, 0, 0, 3}, at::kLong)));
        QCOMPARE(qRound(pair.train.inputs[0].sum().item<double>() * 255), 76247);

        // The first 1000 and 100 alone, as a run with dataset.n = 1000 and test_n = 100 reads them.
        const DatasetPair head = loadFashionMnist(dir, 1000, 100);
        QCOMPARE(head.train.inputs.sizes().vec(), (std::vector<int64_t>{1000, 1, 28, 28}));
        QCOMPARE(head.test.inputs.sizes().vec(), (std::vector<int64_t>{100, 1, 28, 28}));
        QVERIFY(at::equal(head.train.inputs, pair.train.inputs.slice(0, 0, 1000)));
        QVERIFY(at::equal(head.test.targets, pair.test.targets.slice(0, 0, 100)));
    }
};

MINIMASCOPE_TEST_APPLESS(TestIdxFile)
#include "TestIdxFile.moc"
