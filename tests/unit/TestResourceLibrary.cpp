// Finding presets, studies and demos (core/io/ResourceLibrary): the environment overrides come
// first, listings are sorted without duplicates, and a missing name is an InputError that lists
// the names there are. Every folder is a temporary one; the environment is restored after each test.
#include "common/InputError.h"
#include "io/ResourceLibrary.h"
#include "support/TestSuite.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using minimascope::core::findResource;
using minimascope::core::InputError;
using minimascope::core::listResources;
using minimascope::core::resourceDirectories;

namespace {

void writeJson(const QString& dir, const QString& name)
{
    QVERIFY(QDir().mkpath(dir));
    QFile file(QDir(dir).filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{}");
}

bool contains(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string canonicalPath(const std::string& path) { return std::filesystem::weakly_canonical(path).string(); }

}   // namespace

class TestResourceLibrary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_presets.isValid() && m_resources.isValid());
        m_savedPresets = qgetenv("MINIMASCOPE_PRESETS");
        m_savedResources = qgetenv("MINIMASCOPE_RESOURCES");
        qputenv("MINIMASCOPE_PRESETS", m_presets.path().toUtf8());
        qputenv("MINIMASCOPE_RESOURCES", m_resources.path().toUtf8());
    }

    void cleanup()
    {
        restore("MINIMASCOPE_PRESETS", m_savedPresets);
        restore("MINIMASCOPE_RESOURCES", m_savedResources);
    }

    void directoriesInSearchOrder()
    {
        const std::vector<std::string> presets = resourceDirectories("presets");
        QCOMPARE(presets.size(), std::size_t{4});
        QCOMPARE(QString::fromStdString(presets[0]), m_presets.path());
        QCOMPARE(QString::fromStdString(presets[1]), m_resources.filePath(QStringLiteral("presets")));
        // The installed layout next to this very executable (read from /proc/self/exe).
        const QDir exeDir(QCoreApplication::applicationDirPath());
        const std::string installed = exeDir.filePath(QStringLiteral("../share/minimascope/presets")).toStdString();
        QCOMPARE(canonicalPath(presets[2]), canonicalPath(installed));
        QCOMPARE(canonicalPath(presets[3]), canonicalPath(MINIMASCOPE_SOURCE_DIR "/resources/presets"));

        // $MINIMASCOPE_PRESETS is for presets only.
        const std::vector<std::string> demos = resourceDirectories("demos");
        QCOMPARE(demos.size(), std::size_t{3});
        QCOMPARE(QString::fromStdString(demos[0]), m_resources.filePath(QStringLiteral("demos")));
    }

    void environmentOverridesTheShippedFiles()
    {
        // A name the source tree ships: the folder of $MINIMASCOPE_PRESETS wins.
        writeJson(m_presets.path(), QStringLiteral("escape-toy-gd.json"));
        QCOMPARE(QString::fromStdString(findResource("presets", "escape-toy-gd")),
                 m_presets.filePath(QStringLiteral("escape-toy-gd.json")));
        // Then $MINIMASCOPE_RESOURCES/presets, before the source tree.
        writeJson(m_resources.filePath(QStringLiteral("presets")), QStringLiteral("escape-toy-sgd.json"));
        QCOMPARE(QString::fromStdString(findResource("presets", "escape-toy-sgd")),
                 m_resources.filePath(QStringLiteral("presets/escape-toy-sgd.json")));
        // The source tree when nothing overrides it.
        QCOMPARE(canonicalPath(findResource("presets", "two-moons-quick")),
                 canonicalPath(MINIMASCOPE_SOURCE_DIR "/resources/presets/two-moons-quick.json"));
        // Other kinds come from $MINIMASCOPE_RESOURCES/<kind>.
        writeJson(m_resources.filePath(QStringLiteral("studies")), QStringLiteral("test-study.json"));
        QCOMPARE(QString::fromStdString(findResource("studies", "test-study")),
                 m_resources.filePath(QStringLiteral("studies/test-study.json")));
    }

    void listingIsSortedWithoutDuplicates()
    {
        writeJson(m_presets.path(), QStringLiteral("zz-test-b.json"));
        writeJson(m_presets.path(), QStringLiteral("zz-test-a.json"));
        writeJson(m_presets.path(), QStringLiteral("notes.txt"));
        writeJson(m_resources.filePath(QStringLiteral("presets")), QStringLiteral("zz-test-a.json"));
        writeJson(m_resources.filePath(QStringLiteral("presets")), QStringLiteral("zz-test-c.json"));
        writeJson(m_presets.path(), QStringLiteral("escape-toy-gd.json"));   // also in the source tree

        const std::vector<std::string> names = listResources("presets");
        QVERIFY(std::is_sorted(names.begin(), names.end()));
        QVERIFY2(std::adjacent_find(names.begin(), names.end()) == names.end(), "a name is listed twice");
        for (const char* name : {"zz-test-a", "zz-test-b", "zz-test-c", "escape-toy-gd", "two-moons-quick"})
            QVERIFY2(contains(names, name), name);
        QVERIFY(!contains(names, "notes"));
    }

    void missingNameListsTheKnownOnes()
    {
        writeJson(m_resources.filePath(QStringLiteral("demos")), QStringLiteral("zz-test-x.json"));
        writeJson(m_resources.filePath(QStringLiteral("demos")), QStringLiteral("zz-test-y.json"));
        try {
            findResource("demos", "nope");
            QFAIL("no InputError for a demo that does not exist");
        } catch (const InputError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(QStringLiteral("no demo named 'nope' (known: ")), qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("zz-test-x, zz-test-y")), qPrintable(message));
        }
        try {
            findResource("nothing-of-this-kind", "nope");
            QFAIL("no InputError for a kind with no folder");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("(known: none found)")), e.what());
        }
    }

private:
    static void restore(const char* name, const QByteArray& value)
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }

    QTemporaryDir m_presets;
    QTemporaryDir m_resources;
    QByteArray m_savedPresets;
    QByteArray m_savedResources;
};

MINIMASCOPE_TEST_GUILESS(TestResourceLibrary)
#include "TestResourceLibrary.moc"
