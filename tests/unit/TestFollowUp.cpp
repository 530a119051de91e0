// A study file's follow-up analyses (core/study/FollowUp.h, docs/studies.md): the list parses
// into commands and selectors, and each malformed entry is an InputError naming the entry and
// what is wrong; selectRuns takes, per group, the converged run of highest test accuracy (then
// lowest train loss), falls back to the other finished runs only when a group has no converged
// one, never takes failed, diverged or unfinished runs, and matches numbers by value.
#include "common/InputError.h"
#include "study/FollowUp.h"
#include "study/StudyConfig.h"
#include "study/StudyStore.h"
#include "support/TestSuite.h"

#include <QtTest>

#include <cmath>
#include <string>

using namespace minimascope::core;
using nlohmann::json;

namespace {

json followUpStudy(const json& followUps)
{
    return json{{"format", "minimascope-study"},
                {"version", 1},
                {"base", "escape-toy-sgd"},
                {"grid", {{"optimizer.lr", json::array({0.1, 0.2})}}},
                {"follow_up", followUps}};
}

// The message of the InputError that parsing `followUps` throws, or "" when it parses.
std::string parseError(const json& followUps)
{
    try {
        parseFollowUps(followUps, "study.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

StudyRunRecord record(const std::string& optimizer, double lr, int batchSize, bool converged, double testAccuracy,
                      double trainLoss, StudyRunState state = StudyRunState::Done)
{
    StudyRunRecord r;
    r.state = state;
    r.optimizer = optimizer;
    r.eta = lr;
    r.converged = converged;
    r.testAccuracy = testAccuracy;
    r.trainLoss = trainLoss;
    r.configJson = json{{"optimizer", {{"name", optimizer}, {"lr", lr}, {"batch_size", batchSize}}},
                        {"model", {{"preset", "lenet5"}}}}
                       .dump();
    return r;
}

}   // namespace

class TestFollowUp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesCommandsAndSelectors()
    {
        const StudyConfig study = parseStudyConfig(
            followUpStudy(json::array({{{"name", "spectrum"},
                                        {"runs", {{"best_per", "optimizer.name"}}},
                                        {"command", {"analyze", "--quantities", "density"}}},
                                       {{"name", "small-to-large"},
                                        {"runs", {{"where", {{"optimizer.batch_size", 10}}}}},
                                        {"to", {{"where", {{"optimizer.batch_size", 500}}}}},
                                        {"command", {"landscape", "--directions", "interpolate"}}}})),
            "study.json");
        QCOMPARE(study.followUps.size(), size_t(2));
        const StudyFollowUp& spectrum = study.followUps[0];
        QCOMPARE(spectrum.name, std::string("spectrum"));
        QCOMPARE(spectrum.runs.bestPer, std::string("optimizer.name"));
        QVERIFY(spectrum.runs.where.empty());
        QVERIFY(!spectrum.hasPartner);
        QCOMPARE(spectrum.command, (std::vector<std::string>{"analyze", "--quantities", "density"}));
        const StudyFollowUp& interpolation = study.followUps[1];
        QVERIFY(interpolation.hasPartner);
        QCOMPARE(interpolation.runs.where["optimizer.batch_size"].get<int>(), 10);
        QCOMPARE(interpolation.partner.where["optimizer.batch_size"].get<int>(), 500);
        // The study's points do not depend on its follow-ups.
        QCOMPARE(study.points.size(), size_t(2));
    }

    void malformedEntriesNameWhatIsWrong_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char* tag, const json& entry, const char* expected) {
            QTest::newRow(tag) << QString::fromStdString(entry.dump()) << QString::fromUtf8(expected);
        };
        const json runs = {{"best_per", "optimizer.name"}};
        row("not an object", json(3), "follow_up[0] must be an object");
        row("unknown key", {{"name", "a"}, {"runs", runs}, {"command", {"analyze"}}, {"colour", 1}},
            "follow_up[0]: unknown key 'colour'");
        row("no command", {{"name", "a"}, {"runs", runs}}, "needs 'name', 'runs' and 'command'");
        row("bad name", {{"name", "A b"}, {"runs", runs}, {"command", {"analyze"}}}, "follow_up[0].name must be");
        row("train is no follow-up", {{"name", "a"}, {"runs", runs}, {"command", {"train"}}},
            "'train' is not a follow-up command");
        row("sets --out", {{"name", "a"}, {"runs", runs}, {"command", {"analyze", "--out=x.json"}}},
            "sets --out, which the reproduction supplies");
        row("sets --run", {{"name", "a"}, {"runs", runs}, {"command", {"landscape", "--run", "x"}}}, "sets --run");
        row("command of numbers", {{"name", "a"}, {"runs", runs}, {"command", {"analyze", 3}}},
            "command must be a list of words");
        row("unknown selector key", {{"name", "a"}, {"runs", {{"best", true}}}, {"command", {"analyze"}}},
            "follow_up[0].runs: unknown key 'best'");
        row("where of a list", {{"name", "a"}, {"runs", {{"where", {{"seed", {1, 2}}}}}}, {"command", {"analyze"}}},
            "'seed' must be a dotted config key with a number, string or boolean");
        row("to with best_per", {{"name", "a"}, {"runs", runs}, {"to", runs}, {"command", {"landscape"}}},
            "follow_up[0].to picks one run");
    }

    void malformedEntriesNameWhatIsWrong()
    {
        QFETCH(QString, entry);
        QFETCH(QString, expected);
        const std::string message = parseError(json::array({json::parse(entry.toStdString())}));
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.rfind("study.json", 0) == 0, message.c_str());
    }

    void aNameIsUsedOnce()
    {
        const json entry = {{"name", "a"}, {"runs", {{"best_per", "seed"}}}, {"command", {"analyze"}}};
        const std::string message = parseError(json::array({entry, entry}));
        QVERIFY2(message.find("follow_up[1]: the name 'a' is used twice") != std::string::npos, message.c_str());
    }

    void theStudyFileRefusesABadFollowUpBeforeAnythingRuns()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, parseStudyConfig(followUpStudy(json::object()), "study.json"));
    }

    void picksTheBestConvergedRunOfEachGroup()
    {
        const std::vector<StudyRunRecord> runs{
            record("sgd", 0.05, 32, true, 0.80, 0.009),      // 0
            record("sgd", 0.1, 32, true, 0.82, 0.008),       // 1: best sgd
            record("sgd", 0.2, 32, false, 0.90, 0.2),        // 2: higher accuracy, but no minimum
            record("adam", 0.001, 32, true, 0.81, 0.009),    // 3: ties with 4 on accuracy ...
            record("adam", 0.002, 32, true, 0.81, 0.004),    // 4: ... and has the lower loss
            record("adagrad", 0.01, 32, false, 0.70, 0.3),   // 5: none of adagrad converged:
            record("adagrad", 0.02, 32, false, 0.75, 0.2),   // 6: the best of the others
            record("adagrad", 0.05, 32, false, NAN, 0.1),    // 7: no accuracy loses to any
            record("adahessian", 0.1, 32, true, 0.99, 0.001, StudyRunState::Diverged),   // never
            record("adahessian", 0.2, 32, true, 0.99, 0.001, StudyRunState::Failed),
            record("adahessian", 0.3, 32, true, 0.99, 0.001, StudyRunState::Running),
        };
        RunSelector perOptimizer;
        perOptimizer.bestPer = "optimizer.name";
        const std::vector<SelectedRun> selected = selectRuns(runs, perOptimizer);
        QCOMPARE(selected.size(), size_t(3));   // adagrad, adam, sgd: no adahessian run finished
        QCOMPARE(selected[0].group, std::string("adagrad"));
        QCOMPARE(selected[0].index, size_t(6));
        QCOMPARE(selected[1].group, std::string("adam"));
        QCOMPARE(selected[1].index, size_t(4));
        QCOMPARE(selected[2].group, std::string("sgd"));
        QCOMPARE(selected[2].index, size_t(1));

        // Without best_per: the one best run of all.
        const std::vector<SelectedRun> overall = selectRuns(runs, RunSelector{});
        QCOMPARE(overall.size(), size_t(1));
        QCOMPARE(overall[0].index, size_t(1));
        QCOMPARE(overall[0].group, std::string());
    }

    void whereMatchesNumbersByValueAndSkipsMissingKeys()
    {
        const std::vector<StudyRunRecord> runs{record("sgd", 0.1, 10, true, 0.8, 0.01),
                                               record("sgd", 0.1, 500, true, 0.9, 0.01)};
        RunSelector smallBatch;
        smallBatch.where = {{"optimizer.batch_size", 10.0}, {"optimizer.lr", 0.1}, {"model.preset", "lenet5"}};
        const std::vector<SelectedRun> small = selectRuns(runs, smallBatch);
        QCOMPARE(small.size(), size_t(1));
        QCOMPARE(small[0].index, size_t(0));

        RunSelector none;
        none.where = {{"optimizer.momentum", 0.9}};   // a key the configs do not hold
        QVERIFY(selectRuns(runs, none).empty());
        RunSelector byMissing;
        byMissing.bestPer = "optimizer.momentum";
        QVERIFY(selectRuns(runs, byMissing).empty());

        RunSelector perBatch;
        perBatch.bestPer = "optimizer.batch_size";
        const std::vector<SelectedRun> groups = selectRuns(runs, perBatch);
        QCOMPARE(groups.size(), size_t(2));
        QCOMPARE(groups[0].group, std::string("10"));
        QCOMPARE(groups[1].group, std::string("500"));
    }
};

MINIMASCOPE_TEST_APPLESS(TestFollowUp)
#include "TestFollowUp.moc"
