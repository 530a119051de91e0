// Strict JSON reading of what users supply: duplicate keys, nesting, numbers beyond a double,
// invalid UTF-8 and syntax errors each give an InputError that names the file and the key and
// stays short; text files are read up to a cap, also from devices that never end; config
// getters never echo a whole value and never wrap.
#include "io/AtomicFile.h"
#include "io/ConfigObject.h"
#include "io/StrictJson.h"
#include "support/InputErrorOf.h"
#include "support/TestSuite.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <limits>
#include <string>

#include <sys/stat.h>

using namespace minimascope::core;
using nlohmann::json;

namespace {

std::string nested(int depth, const std::string& inner = "1")
{
    return std::string(static_cast<size_t>(depth), '[') + inner + std::string(static_cast<size_t>(depth), ']');
}

}   // namespace

class TestStrictJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesValidJson()
    {
        const json j = parseStrictJson(R"({"optimizer": {"lr": 0.5, "widths": [1, 2]}, "name": "x"})", "f.json");
        QCOMPARE(j.at("optimizer").at("lr").get<double>(), 0.5);
        QCOMPARE(j.at("optimizer").at("widths").size(), size_t(2));
        QCOMPARE(j.at("name").get<std::string>(), std::string("x"));
        // The same key in different objects is no duplicate.
        QCOMPARE(parseStrictJson(R"({"a": {"x": 1}, "b": {"x": 2}})", "f.json").at("b").at("x").get<int>(), 2);
    }

    void duplicateKeysNameTheFullKey()
    {
        QString message = inputErrorOf([] { parseStrictJson(R"({"optimizer": {"lr": 0.1, "lr": 0.2}})", "c.json"); });
        QVERIFY2(message.startsWith("c.json: duplicate key 'optimizer.lr'"), qPrintable(message));
        message = inputErrorOf([] { parseStrictJson(R"({"seed": 1, "model": {}, "seed": 2})", "c.json"); });
        QVERIFY2(message.startsWith("c.json: duplicate key 'seed'"), qPrintable(message));
        // Inside a list of objects, each object has its own keys.
        QVERIFY(inputErrorOf([] { parseStrictJson(R"({"t": [{"k": 1}, {"k": 2}]})", "c.json"); }).isEmpty());
        message = inputErrorOf([] { parseStrictJson(R"({"t": [{"k": 1, "k": 2}]})", "c.json"); });
        QVERIFY2(message.contains("duplicate key 't[].k'"), qPrintable(message));
    }

    void nestingIsCapped()
    {
        // kMaxJsonDepth containers are fine, one more is not, and 100,000 neither crash nor
        // take long.
        QCOMPARE(kMaxJsonDepth, 64);
        QVERIFY(inputErrorOf([] { parseStrictJson(nested(64), "d.json"); }).isEmpty());
        for (const int depth : {65, 100000}) {
            const QString message = inputErrorOf([&] { parseStrictJson(nested(depth), "d.json"); });
            QVERIFY2(message == "d.json: nested deeper than 64 levels", qPrintable(message));
        }
        const QString message = inputErrorOf(
            [] { parseStrictJson(R"({"optimizer": {"lr": )" + nested(100000) + "}}", "d.json"); });
        QVERIFY2(message == "d.json: nested deeper than 64 levels at key 'optimizer.lr'", qPrintable(message));
    }

    void depthOfABuiltValue()
    {
        // nlohmann's own parser builds any depth without recursion; copying or printing it
        // would recurse, so requireJsonDepth must not.
        const json deep = json::parse(nested(100000));
        QCOMPARE(inputErrorOf([&] { requireJsonDepth(deep, "the config"); }),
                 QString("the config: nested deeper than 64 levels"));
        QVERIFY(inputErrorOf([] { requireJsonDepth(json::parse(nested(64)), "x"); }).isEmpty());
        QVERIFY(!inputErrorOf([] { requireJsonDepth(json::parse(nested(65)), "x"); }).isEmpty());
        QVERIFY(inputErrorOf([] { requireJsonDepth(json(1.5), "x"); }).isEmpty());
    }

    void numbersBeyondADouble()
    {
        const QString message = inputErrorOf([] { parseStrictJson(R"({"optimizer": {"lr": 1e400}})", "n.json"); });
        QVERIFY2(message.startsWith("n.json: a number is too large for a double at key 'optimizer.lr'"),
                 qPrintable(message));
        QVERIFY2(message.contains("1e400"), qPrintable(message));
    }

    void invalidUtf8NamesTheKey()
    {
        const QString message = inputErrorOf([] { parseStrictJson("{\"dataset\": {\"path\": \"\xff\"}}", "u.json"); });
        QVERIFY2(message.startsWith("u.json: not valid JSON at key 'dataset.path'"), qPrintable(message));
        // The byte itself is shown escaped, never raw.
        QVERIFY2(message.contains("\\xFF"), qPrintable(message));
        QVERIFY(!message.toStdString().empty() && isValidUtf8(message.toStdString()));
    }

    void syntaxErrorsAreShort()
    {
        // An unterminated 1 MB string: the library quotes the whole token it read.
        const std::string text = "{\"model\": {\"kind\": \"" + std::string(1 << 20, 'a');
        const QString message = inputErrorOf([&] { parseStrictJson(text, "s.json"); });
        QVERIFY2(message.startsWith("s.json: not valid JSON at key 'model.kind'"), qPrintable(message));
        QVERIFY2(message.size() < 300, qPrintable(message));
        QVERIFY(inputErrorOf([] { parseStrictJson("", "e.json"); }).startsWith("e.json: not valid JSON ("));
    }

    void excerpts()
    {
        QCOMPARE(excerptForMessage("short"), std::string("short"));
        QCOMPARE(excerptForMessage(std::string(200, 'x')), std::string(80, 'x') + "...");
        QCOMPARE(excerptForMessage("a\nb\xff", 80), std::string("a\\x0Ab\\xFF"));
        // UTF-8 is kept and counted in characters.
        QCOMPARE(excerptForMessage("caf\xc3\xa9 au lait", 4), std::string("caf\xc3\xa9..."));
        QCOMPARE(excerptForMessage("abcdef", 3), std::string("abc..."));
        QCOMPARE(describeJsonValue(json::array({1, 2})), std::string("[1,2]"));
        // A string that is not UTF-8 is described, not thrown on as dump() would.
        QCOMPARE(describeJsonValue(json("\xff")), std::string("\"\xEF\xBF\xBD\""));
    }

    void utf8Validation()
    {
        QVERIFY(isValidUtf8("plain ascii"));
        QVERIFY(isValidUtf8("caf\xc3\xa9"));        // é
        QVERIFY(isValidUtf8("\xe2\x82\xac"));       // €
        QVERIFY(isValidUtf8("\xf0\x9f\x98\x80"));   // an emoji (4 bytes)
        QVERIFY(!isValidUtf8("\xff"));
        QVERIFY(!isValidUtf8("\xc0\xaf"));           // overlong '/'
        QVERIFY(!isValidUtf8("\xed\xa0\x80"));       // a UTF-16 surrogate
        QVERIFY(!isValidUtf8("\xe2\x82"));           // truncated
        QVERIFY(!isValidUtf8("\xf4\x90\x80\x80"));   // above U+10FFFF
    }

    void readWholeFileIsCapped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("f.txt").toStdString();
        std::ofstream(path) << std::string(100, 'x');
        QCOMPARE(readWholeFile(path, 100).size(), size_t(100));
        QCOMPARE(inputErrorOf([&] { readWholeFile(path, 99); }),
                 QString::fromStdString("cannot read " + path
                                        + ": larger than the limit of 99 bytes for this kind of file"));
        // A device without a size stops at the cap too, while it is read.
        QCOMPARE(inputErrorOf([] { readWholeFile("/dev/zero", 1 << 20); }),
                 QString("cannot read /dev/zero: larger than the limit of 1048576 bytes for this kind of file"));
        QCOMPARE(kMaxTextFileBytes, size_t(64) << 20);
        // A FIFO without a writer reads as empty instead of blocking open() forever.
        const std::string fifo = dir.filePath("fifo").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QCOMPARE(readWholeFile(fifo), std::string());
    }

    void configGettersStayShortAndExact()
    {
        // A huge wrong-typed value is described in a short message.
        json big = {{"lr", std::string(1 << 20, 'z')}};
        ConfigObject o(big, "optimizer");
        const QString message = inputErrorOf([&] { o.number("lr", 0.1, 0.0, 1.0); });
        QVERIFY2(message.startsWith("config key 'optimizer.lr' must be a number, got \"zzz"), qPrintable(message));
        QVERIFY2(message.size() < 200, qPrintable(message));
        // An unsigned value above INT64_MAX is out of range, not a wrapped negative number.
        json seed = {{"seed", std::numeric_limits<uint64_t>::max()}};
        ConfigObject root(seed, "");
        const QString seedMessage = inputErrorOf(
            [&] { root.integer("seed", 0, 0, std::numeric_limits<int64_t>::max()); });
        QVERIFY2(seedMessage.contains("got 18446744073709551615"), qPrintable(seedMessage));
        json list = {{"widths", {std::numeric_limits<uint64_t>::max()}}};
        ConfigObject model(list, "model");
        QVERIFY(inputErrorOf([&] { model.integers("widths", {}, 1, 65536); }).contains("model.widths"));
        // Text that is not UTF-8 (as --set can give) names its key.
        json path = {{"path", "\xff"}};
        ConfigObject dataset(path, "dataset");
        QCOMPARE(inputErrorOf([&] { dataset.string("path", ""); }),
                 QString("config key 'dataset.path' must be UTF-8 text, got '\\xFF'"));
        // A deep value is refused before it is copied.
        json deep;
        deep["x"] = json::parse(nested(100000));   // moved in: a copy would recurse
        QCOMPARE(inputErrorOf([&] { ConfigObject(deep, ""); }), QString("the config: nested deeper than 64 levels"));
    }
};

MINIMASCOPE_TEST_APPLESS(TestStrictJson)
#include "TestStrictJson.moc"
