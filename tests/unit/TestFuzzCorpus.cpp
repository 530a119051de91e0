// Replays every committed fuzz corpus (fuzz/corpus/<target>/: the seeds and every reproducer a
// fuzzer found) through the same FuzzTargets functions that scripts/fuzz.sh runs under libFuzzer,
// so that a fixed finding stays fixed in every build: any exception but the parsers' InputError
// fails, as does an input that grows the peak resident memory by more than libFuzzer's
// -malloc_limit_mb (and, in the asan preset, any memory error). Also checks that each target has a
// corpus, that the valid seeds parse to what they were written with (so that the fuzzers start
// from inputs that reach past the first checks), and that inputs once accepted silently are now
// rejected.
#include "FuzzTargets.h"
#include "data/CsvTable.h"
#include "data/IdxFile.h"
#include "data/NpzFile.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "io/TensorFolder.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <exception>
#include <string>

#include <sys/resource.h>

namespace {

const QString kCorpusRoot = QStringLiteral(MINIMASCOPE_SOURCE_DIR "/fuzz/corpus");

std::string seedPath(const char* target, const char* file)
{
    return (kCorpusRoot + '/' + target + '/' + file).toStdString();
}

// The process's peak resident memory so far, in MB.
long peakResidentMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;   // KiB on Linux
}

// scripts/fuzz.sh's -malloc_limit_mb: an input of a few KB needs far less.
constexpr long kMemoryLimitMb = 512;

}   // namespace

class TestFuzzCorpus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyTargetHasACorpus()
    {
        QStringList expected;
        for (const auto& target : minimascope::fuzz::fuzzTargets()) {
            expected << QString::fromLatin1(target.name);
            const QDir corpus(kCorpusRoot + '/' + target.name);
            QVERIFY2(corpus.entryList(QDir::Files).size() >= 5, qPrintable(corpus.path() + " has fewer than 5 seeds"));
        }
        // A folder without a target would never be replayed.
        QStringList folders = QDir(kCorpusRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        folders.sort();
        expected.sort();
        QCOMPARE(folders, expected);
    }

    void replaysEveryInput_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("file");
        for (const auto& target : minimascope::fuzz::fuzzTargets()) {
            const QDir corpus(kCorpusRoot + '/' + target.name);
            for (const QString& file : corpus.entryList(QDir::Files, QDir::Name))
                QTest::newRow(qPrintable(QString::fromLatin1(target.name) + '/' + file))
                    << QString::fromLatin1(target.name) << corpus.filePath(file);
        }
    }

    void replaysEveryInput()
    {
        QFETCH(QString, target);
        QFETCH(QString, file);
        QFile input(file);
        QVERIFY2(input.open(QIODevice::ReadOnly), qPrintable(file));
        const QByteArray bytes = input.readAll();
        const auto& run = minimascope::fuzz::fuzzTarget(target.toStdString()).run;
        const long peakBefore = peakResidentMb();
        try {
            QCOMPARE(run(reinterpret_cast<const uint8_t*>(bytes.constData()), static_cast<size_t>(bytes.size())), 0);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(file + ": " + QString::fromStdString(e.what())));
        }
        // The peak only shows memory that was touched; the fuzzers' limit sees every allocation.
        const long grown = peakResidentMb() - peakBefore;
        QVERIFY2(grown <= kMemoryLimitMb,
                 qPrintable(file + QStringLiteral(": the peak memory grew by %1 MB").arg(grown)));
    }

    // The seed generator wrote byte (37 i) mod 256 at index i, 0.5 i - 1 as float32, and
    // savez's X = 0..5 as float32 [3, 2], y = (0, 1, 0) as int64.
    void validSeedsParseToWhatTheyHold()
    {
        using namespace minimascope::core;
        const at::Tensor images = readIdx(seedPath("idx", "images-3x4x4"));
        QCOMPARE(images.sizes().vec(), (std::vector<int64_t>{3, 4, 4}));
        QVERIFY(at::equal(images.flatten().to(at::kLong), at::arange(48, at::kLong).mul(37).remainder(256)));
        QVERIFY(at::equal(readIdx(seedPath("idx", "images-3x4x4.gz")), images));
        QCOMPARE(readIdx(seedPath("idx", "labels-two-gzip-members")).size(0), int64_t{5});

        QFile npyFile(QString::fromStdString(seedPath("npy", "float32-2x3.npy")));
        QVERIFY(npyFile.open(QIODevice::ReadOnly));
        const at::Tensor npy = decodeNpy(npyFile.readAll().toStdString(), "float32-2x3.npy");
        QVERIFY(at::equal(npy, at::arange(6, at::kFloat).mul(0.5).sub(1).view({2, 3})));

        for (const char* archive : {"savez.npz", "savez-compressed.npz", "zip64.npz"}) {
            const auto arrays = readNpz(seedPath("npz", archive));
            QCOMPARE(arrays.size(), size_t{2});
            QVERIFY2(at::equal(arrays.at("X"), at::arange(6, at::kFloat).view({3, 2})), archive);
            QVERIFY2(at::equal(arrays.at("y"), at::tensor({0, 1, 0}, at::kLong)), archive);
        }

        const LabelledTable table = readLabelledCsv(seedPath("csv", "quoted-crlf-blank-lines.csv"), "label");
        QVERIFY(at::equal(table.features, at::tensor({1.5f, 2.0f, 3.0f, 4.0f}).view({2, 2})));
        QVERIFY(at::equal(table.labels, at::tensor({1, 0}, at::kLong)));
    }

    // Found under the fuzz harness: index.json versions and shapes that are no non-negative
    // integers were truncated (1.5 read as 1) or wrapped (2^32 + 1 read as 1, 2^64 - 1 as -1).
    void indexNumbersThatWereReadWrongAreRejected_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("problem");
        QTest::newRow("version 1.5") << "version-fraction.json"
                                     << "key 'version' has the wrong type (it holds "
                                        "non-negative integers, got 1.5)";
        QTest::newRow("version 2^32 + 1") << "version-wraps-to-1.json"
                                          << "unsupported version 4294967297";
        QTest::newRow("version 1e300") << "ubsan-version-1e300.json"
                                       << "key 'version' has the wrong type";
        QTest::newRow("shape 2^64 - 1") << "shape-wraps.json"
                                        << "tensors[0]: key 'shape' has the wrong type (it holds non-negative "
                                           "integers, got 18446744073709551615)";
        QTest::newRow("shape 1e300") << "ubsan-shape-1e300.json"
                                     << "tensors[0]: key 'shape' has the wrong type";
    }

    void indexNumbersThatWereReadWrongAreRejected()
    {
        QFETCH(QString, file);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile index(kCorpusRoot + QStringLiteral("/tensor_index/") + file);
        QVERIFY(index.open(QIODevice::ReadOnly));
        minimascope::core::writeFileAtomically(dir.filePath(QStringLiteral("index.json")).toStdString(),
                                               index.readAll().toStdString());
        minimascope::core::writeNpy(dir.filePath(QStringLiteral("x.npy")).toStdString(), at::zeros({1}, at::kFloat));
        const QString message = inputErrorOf([&] { minimascope::core::readTensorFolder(dir.path().toStdString()); });
        QVERIFY2(message.contains(problem), qPrintable(message));
    }
};

MINIMASCOPE_TEST_APPLESS(TestFuzzCorpus)
#include "TestFuzzCorpus.moc"
