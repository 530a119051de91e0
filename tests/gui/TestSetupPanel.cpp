// The setup form (issues 13 and 14): every field explains itself in a tooltip; edits, presets
// and loaded configs undo and redo as whole steps; own arrays and own TorchScript models are
// chosen in the form and checked by the core as a run would load them, on the panel's own thread
// (the GUI thread stays free; a newer edit's verdict wins), so a bad file blocks Run with the core's
// message. Offscreen; no file dialog is ever opened (paths are set directly).
#include "io/Npy.h"
#include "panels/SetupPanel.h"
#include "support/TestSuite.h"
#include "train/RunConfig.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace minimascope;
using namespace minimascope::ui;

namespace {

constexpr int64_t kExamples = 20;
// Own files are loaded off the GUI thread; a TorchScript model on a machine busy with a build can
// take seconds, a verdict slower than this is a hang.
constexpr int kCheckTimeoutMs = 60000;
// Arrays big enough that loading them takes a while (float64 features, 128 MB: read, converted
// to float32, checked finite), so that a check on the GUI thread would freeze it visibly.
constexpr int64_t kSlowExamples = 1000000;
constexpr int64_t kSlowFeatures = 16;

template <typename T> T field(const SetupPanel& panel, const char* name)
{
    auto* widget = panel.findChild<T>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no setup field named %s", name);
    return widget;
}

nlohmann::json config(const SetupPanel& panel) { return nlohmann::json::parse(panel.configJson().toStdString()); }

// Two features, labels 0 and 1 alternating: the folder of .npy files "arrays" reads.
void writeArrays(const QString& dir, int64_t labels)
{
    const at::Tensor x = at::arange(2 * kExamples, at::kFloat).reshape({kExamples, 2});
    const at::Tensor y = at::arange(labels, at::kLong).remainder(2);
    core::writeNpy((dir + QStringLiteral("/X.npy")).toStdString(), x);
    core::writeNpy((dir + QStringLiteral("/y.npy")).toStdString(), y);
}

void writeSlowArrays(const QString& dir, int64_t labels)
{
    const at::Tensor x = at::rand({kSlowExamples, kSlowFeatures}, at::kDouble);
    const at::Tensor y = at::arange(labels, at::kLong).remainder(2);
    core::writeNpy((dir + QStringLiteral("/X.npy")).toStdString(), x);
    core::writeNpy((dir + QStringLiteral("/y.npy")).toStdString(), y);
}

// Sets a spin box as one step of the form's history, named after its row: undo brings back its
// value and the config's `key` (a JSON pointer), redo the new ones (left redone).
void checkSpinUndoRedo(SetupPanel& panel, QSpinBox* spin, int to, const QString& row, const char* key)
{
    const int from = spin->value();
    const nlohmann::json::json_pointer pointer(key);
    spin->setValue(to);
    QCOMPARE(panel.undoStack()->undoText(), QStringLiteral("Set %1").arg(row));
    panel.undoStack()->undo();
    QCOMPARE(spin->value(), from);
    QCOMPARE(config(panel).at(pointer), from);
    panel.undoStack()->redo();
    QCOMPARE(config(panel).at(pointer), to);
}

QString checkingMessage(const QString& paths) { return QStringLiteral("checking %1…").arg(paths); }

void writeText(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

}   // namespace

class TestSetupPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyFieldHasATooltip();
    void tooltipsNameTheBoundsTheyEnter();
    void invalidFieldShowsTheErrorThenItsHelp();
    void undoRestoresExactValuesAndRedoReappliesThem();
    void typingIsOneStepWhenFinished();
    void presetIsOneStep();
    void loadedConfigShowsNoPreset();
    void modelPresetKeepsItsLoadedOptions();
    void startOptimizerMakesTheSwitch();
    void averageFromIsTheScheduleKey();
    void requestCarriesTheValidatedConfig();
    void ownArraysFromANpyPair();
    void badArraysBlockRunWithTheCoreMessage();
    void notTorchScriptBlocksRun();
    void ownTorchScriptModel();
    void guiThreadRunsWhileASlowCheckRuns();
    void twoQuickEditsEndWithTheSecondVerdict();
    void closingDuringACheckWaitsOnlyForItsRest();
};

void TestSetupPanel::everyFieldHasATooltip()
{
    SetupPanel panel;
    int fields = 0;
    const auto check = [&fields](QWidget* w) {
        // A spin box's own line edit is part of it: the spin box carries the tooltip.
        if (qobject_cast<QAbstractSpinBox*>(w->parentWidget()))
            return;
        ++fields;
        QVERIFY2(!w->toolTip().trimmed().isEmpty(), qPrintable(w->objectName()));
    };
    for (QWidget* w : panel.findChildren<QAbstractSpinBox*>())
        check(w);
    for (QWidget* w : panel.findChildren<QComboBox*>())
        check(w);
    for (QWidget* w : panel.findChildren<QLineEdit*>())
        check(w);
    for (QWidget* w : panel.findChildren<QCheckBox*>())
        check(w);
    // preset; 10 data (4 of them for own arrays); 5 model; 10 optimizer and 4 of its switch; 3 stop; 5 curvature;
    // 2 also measure (gradient norm, average of the iterates).
    QCOMPARE(fields, 40);
}

void TestSetupPanel::tooltipsNameTheBoundsTheyEnter()
{
    SetupPanel panel;
    const QString subsetBound = QStringLiteral("s ≤ √(B(n−1)/(n−B))/η");
    QVERIFY(field<QLineEdit*>(panel, "lr")->toolTip().contains(QStringLiteral("a ≤ 2/η")));
    QVERIFY(field<QLineEdit*>(panel, "lr")->toolTip().contains(subsetBound));
    QVERIFY(field<QSpinBox*>(panel, "batchSize")->toolTip().contains(subsetBound));
    QVERIFY(field<QSpinBox*>(panel, "n")->toolTip().contains(subsetBound));
    const QString sampling = field<QComboBox*>(panel, "sampling")->toolTip();
    QVERIFY(sampling.contains(subsetBound));
    QVERIFY(sampling.contains(QStringLiteral("s ≤ √B/η")));
    QVERIFY(field<QLineEdit*>(panel, "rho")->toolTip().contains(QStringLiteral("SAM")));
    // The start optimizer's η and B are not the ones the bounds use, and say so.
    QVERIFY(field<QLineEdit*>(panel, "startLr")->toolTip().contains(QStringLiteral("a ≤ 2/η")));
    QVERIFY(field<QSpinBox*>(panel, "startBatchSize")->toolTip().contains(subsetBound));
}

void TestSetupPanel::invalidFieldShowsTheErrorThenItsHelp()
{
    SetupPanel panel;
    auto* lr = field<QLineEdit*>(panel, "lr");
    const QString help = lr->toolTip();
    lr->setText(QStringLiteral("-1"));
    QVERIFY(!panel.isValid());
    QVERIFY(panel.errorMessage().contains(QStringLiteral("optimizer.lr")));
    QCOMPARE(lr->toolTip(), panel.errorMessage());
    lr->setText(QStringLiteral("0.3"));
    QVERIFY(panel.isValid());
    QCOMPARE(lr->toolTip(), help);
}

void TestSetupPanel::undoRestoresExactValuesAndRedoReappliesThem()
{
    SetupPanel panel;
    QUndoStack* history = panel.undoStack();
    QCOMPARE(history->count(), 0);   // the start-up preset is where history begins
    auto* lr = field<QLineEdit*>(panel, "lr");
    auto* batch = field<QSpinBox*>(panel, "batchSize");
    const QString lr0 = lr->text();
    const int batch0 = batch->value();
    QCOMPARE(lr0, QStringLiteral("0.2"));   // two-moons-quick
    QCOMPARE(batch0, 10);

    lr->setText(QStringLiteral("0.0375"));
    batch->setValue(7);
    QCOMPARE(history->count(), 2);
    QCOMPARE(history->undoText(), QStringLiteral("Set Batch size B"));

    history->undo();
    QCOMPARE(batch->value(), batch0);
    QCOMPARE(lr->text(), QStringLiteral("0.0375"));
    history->undo();
    QCOMPARE(lr->text(), lr0);
    QCOMPARE(config(panel)["optimizer"]["lr"].get<double>(), 0.2);
    QCOMPARE(config(panel)["optimizer"]["batch_size"].get<int>(), 10);
    QCOMPARE(history->count(), 2);   // undo moves the index, it does not add steps

    history->redo();
    QCOMPARE(lr->text(), QStringLiteral("0.0375"));
    QCOMPARE(batch->value(), batch0);
    history->redo();
    QCOMPARE(batch->value(), 7);
    QCOMPARE(config(panel)["optimizer"]["lr"].get<double>(), 0.0375);
    QCOMPARE(config(panel)["optimizer"]["batch_size"].get<int>(), 7);
    QVERIFY(!history->canRedo());
}

void TestSetupPanel::typingIsOneStepWhenFinished()
{
    SetupPanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    auto* lr = field<QLineEdit*>(panel, "lr");
    lr->setFocus();
    QVERIFY(lr->hasFocus());
    lr->selectAll();
    QTest::keyClicks(lr, QStringLiteral("0.05"));
    QCOMPARE(lr->text(), QStringLiteral("0.05"));
    QCOMPARE(panel.undoStack()->count(), 0);                          // still editing
    QCOMPARE(config(panel)["optimizer"]["lr"].get<double>(), 0.05);   // validated as typed
    QTest::keyClick(lr, Qt::Key_Return);
    QCOMPARE(panel.undoStack()->count(), 1);
    panel.undoStack()->undo();
    QCOMPARE(lr->text(), QStringLiteral("0.2"));
}

void TestSetupPanel::presetIsOneStep()
{
    SetupPanel panel;
    auto* dataset = field<QComboBox*>(panel, "dataset");
    auto* every = field<QSpinBox*>(panel, "curvatureEvery");
    const int every0 = every->value();
    QVERIFY(panel.selectPreset(QStringLiteral("escape-toy-sgd")));
    QCOMPARE(dataset->currentText(), QStringLiteral("escape-toy"));
    QCOMPARE(panel.undoStack()->count(), 1);
    QCOMPARE(panel.undoStack()->undoText(), QStringLiteral("Load preset escape-toy-sgd"));
    panel.undoStack()->undo();
    QCOMPARE(dataset->currentText(), QStringLiteral("two-moons"));
    QCOMPARE(field<QComboBox*>(panel, "model")->currentText(), QStringLiteral("custom MLP"));
    QCOMPARE(field<QComboBox*>(panel, "preset")->currentText(), QStringLiteral("two-moons-quick"));
    QCOMPARE(every->value(), every0);
    QCOMPARE(config(panel)["dataset"]["name"], "two-moons");
}

void TestSetupPanel::loadedConfigShowsNoPreset()
{
    // A run folder's config came from no preset: the preset box must not go on naming the one
    // shown before (it said "two-moons-quick" over a Fashion-MNIST run). Undo brings the preset
    // back, and the settings keep the preset a config was shown beside.
    SetupPanel panel;
    auto* preset = field<QComboBox*>(panel, "preset");
    QCOMPARE(preset->currentText(), QStringLiteral("two-moons-quick"));
    nlohmann::json loaded = config(panel);
    const double presetLr = loaded["optimizer"]["lr"].get<double>();
    loaded["optimizer"]["lr"] = 0.3;
    QVERIFY(panel.loadConfig(QString::fromStdString(loaded.dump())));
    QCOMPARE(preset->currentIndex(), -1);
    QCOMPARE(config(panel)["optimizer"]["lr"], 0.3);
    panel.undoStack()->undo();
    QCOMPARE(preset->currentText(), QStringLiteral("two-moons-quick"));
    QCOMPARE(config(panel)["optimizer"]["lr"].get<double>(), presetLr);

    QVERIFY(panel.selectPreset(QStringLiteral("escape-toy-sgd")));
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    panel.saveSettings(settings);
    SetupPanel restored;
    restored.restoreSettings(settings);
    QCOMPARE(field<QComboBox*>(restored, "preset")->currentText(), QStringLiteral("escape-toy-sgd"));
    QCOMPARE(config(restored)["dataset"]["name"], "escape-toy");
}

void TestSetupPanel::modelPresetKeepsItsLoadedOptions()
{
    // A config that changes a model preset's options (the architectures demo's ResNets) runs
    // those options, not the preset's defaults.
    SetupPanel panel;
    QString error;
    QVERIFY2(panel.loadConfig(QStringLiteral(R"({"dataset": {"name": "fashion-mnist", "n": 64, "test_n": 0},
        "model": {"preset": "resnet-small", "skip_connections": false, "batch_norm": true, "blocks_per_stage": 2,
                  "widths": [4, 8, 16]},
        "optimizer": {"name": "sgd", "lr": 0.05, "batch_size": 32}, "schedule": {"gradient_norm": true},
        "switch": {"at": 10, "from": {"name": "adam"}}})"),
                              &error),
             qPrintable(error));
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(field<QComboBox*>(panel, "model")->currentText(), QStringLiteral("resnet-small"));
    nlohmann::json model = config(panel)["model"];
    QCOMPARE(model["skip_connections"], false);
    QCOMPARE(model["batch_norm"], true);
    QCOMPARE(model["blocks_per_stage"], 2);
    QCOMPARE(model["widths"], nlohmann::json({4, 8, 16}));
    // Keys the form does not show at all ride along too.
    QCOMPARE(config(panel)["schedule"]["gradient_norm"], true);
    QCOMPARE(config(panel)["switch"]["at"], 10);

    // Another preset picked in the form comes with its own options.
    field<QComboBox*>(panel, "model")->setCurrentText(QStringLiteral("resnet-small-noskip"));
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    model = config(panel)["model"];
    QCOMPARE(model["preset"], "resnet-small-noskip");
    QCOMPARE(model["blocks_per_stage"], 1);
    QCOMPARE(model["widths"], nlohmann::json({16, 32, 64}));
}

void TestSetupPanel::startOptimizerMakesTheSwitch()
{
    // Issue 18: "Start with" another optimizer for the first K iterations is the config's switch.
    SetupPanel panel;
    auto* start = field<QComboBox*>(panel, "startOptimizer");
    auto* startLr = field<QLineEdit*>(panel, "startLr");
    auto* startBatch = field<QSpinBox*>(panel, "startBatchSize");
    auto* switchAt = field<QSpinBox*>(panel, "switchAt");
    const auto rowShown = [&panel](QWidget* editor) { return editor->isVisibleTo(&panel); };
    QCOMPARE(start->currentIndex(), 0);   // two-moons-quick switches nothing
    QVERIFY(!config(panel).contains("switch"));
    QVERIFY(!rowShown(startLr) && !rowShown(startBatch) && !rowShown(switchAt));

    start->setCurrentIndex(start->findData(QStringLiteral("adam")));
    startLr->setText(QStringLiteral("0.003"));
    startBatch->setValue(20);
    switchAt->setValue(300);
    QVERIFY(rowShown(startLr) && rowShown(startBatch) && rowShown(switchAt));
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    // The options of `from` the form does not show take the core's defaults for adam.
    nlohmann::json expected = config(panel);
    expected["switch"] = {{"at", 300}, {"from", {{"name", "adam"}, {"lr", 0.003}, {"batch_size", 20}}}};
    const nlohmann::json expectedSwitch = core::RunConfig::fromJson(expected).toJson()["switch"];
    QCOMPARE(config(panel)["switch"], expectedSwitch);
    QCOMPARE(config(panel)["switch"]["at"], 300);
    QCOMPARE(config(panel)["switch"]["from"]["name"], "adam");
    QCOMPARE(config(panel)["switch"]["from"]["lr"], 0.003);
    QCOMPARE(config(panel)["switch"]["from"]["batch_size"], 20);
    QCOMPARE(config(panel)["switch"]["from"]["beta1"], 0.9);
    QCOMPARE(config(panel)["optimizer"]["name"], "sgd");   // the optimizer the run ends with
    // An empty η is the start optimizer's own default.
    startLr->clear();
    QCOMPARE(config(panel)["switch"]["from"]["lr"], 0.001);
    startLr->setText(QStringLiteral("0.003"));

    // Undo reverts a switch edit, redo reapplies it.
    checkSpinUndoRedo(panel, switchAt, 500, QStringLiteral("Switch at iteration"), "/switch/at");
    panel.undoStack()->undo();

    // A switch the run would never reach is the core's error, marked at its field.
    switchAt->setValue(3000);   // stop.max_iterations of two-moons-quick
    QVERIFY(!panel.isValid());
    QVERIFY(panel.errorMessage().contains(QStringLiteral("config key 'switch.at' (3000) must be below "
                                                         "stop.max_iterations (3000)")));
    QCOMPARE(switchAt->toolTip(), panel.errorMessage());
    switchAt->setValue(300);
    QVERIFY(panel.isValid());
    startLr->setText(QStringLiteral("-1"));
    QVERIFY(panel.errorMessage().contains(QStringLiteral("switch.from.lr")));
    QCOMPARE(startLr->toolTip(), panel.errorMessage());
    startLr->setText(QStringLiteral("0.003"));

    // No start optimizer: no switch at all.
    start->setCurrentIndex(0);
    QVERIFY(!config(panel).contains("switch"));
    QVERIFY(!rowShown(startLr));

    // A loaded config with a switch (a run folder's) fills the fields and comes back exactly, the
    // start optimizer's options the form does not show included.
    nlohmann::json loaded = config(panel);
    loaded["switch"] = {{"at", 200}, {"from", {{"name", "sgd"}, {"lr", 0.05}, {"batch_size", 5}, {"momentum", 0.9}}}};
    loaded["optimizer"]["name"] = "adam";
    loaded["optimizer"]["lr"] = 0.001;
    const std::string resolved = core::RunConfig::fromJson(loaded).toJson().dump();
    QVERIFY(panel.loadConfig(QString::fromStdString(resolved)));
    QCOMPARE(start->currentData().toString(), QStringLiteral("sgd"));
    QCOMPARE(startLr->text(), QStringLiteral("0.05"));
    QCOMPARE(startBatch->value(), 5);
    QCOMPARE(switchAt->value(), 200);
    QCOMPARE(config(panel).dump(), resolved);
    // A config without one clears them.
    loaded.erase("switch");
    QVERIFY(panel.loadConfig(QString::fromStdString(loaded.dump())));
    QCOMPARE(start->currentIndex(), 0);
    QVERIFY(startLr->text().isEmpty());
    QVERIFY(!config(panel).contains("switch"));
}

void TestSetupPanel::averageFromIsTheScheduleKey()
{
    // Issue 18: SWA-style averaging of the iterates from iteration K is schedule.average_from; off
    // (the spin box's minimum, shown as "off") writes no key, as the core does for -1.
    SetupPanel panel;
    auto* averageFrom = field<QSpinBox*>(panel, "averageFrom");
    QCOMPARE(averageFrom->value(), -1);
    QCOMPARE(averageFrom->text(), QStringLiteral("off"));
    QVERIFY(!config(panel)["schedule"].contains("average_from"));
    QCOMPARE(core::RunConfig::fromJson(config(panel)).schedule.averageFrom, int64_t(-1));

    averageFrom->setValue(150);
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(config(panel)["schedule"]["average_from"], 150);
    QCOMPARE(panel.request().config->schedule.averageFrom, int64_t(150));
    // 0 is an iteration (from the initial parameters), not off.
    averageFrom->setValue(0);
    QCOMPARE(config(panel)["schedule"]["average_from"], 0);
    averageFrom->setValue(150);

    checkSpinUndoRedo(panel, averageFrom, 200, QStringLiteral("Average the iterates from iteration"),
                      "/schedule/average_from");

    // A loaded config (a project's, a run folder's) fills the field and comes back exactly.
    nlohmann::json loaded = config(panel);
    loaded["schedule"]["average_from"] = 70;
    const std::string resolved = core::RunConfig::fromJson(loaded).toJson().dump();
    QVERIFY(panel.loadConfig(QString::fromStdString(resolved)));
    QCOMPARE(averageFrom->value(), 70);
    QCOMPARE(config(panel).dump(), resolved);
    // One without it turns averaging off.
    loaded["schedule"].erase("average_from");
    QVERIFY(panel.loadConfig(QString::fromStdString(loaded.dump())));
    QCOMPARE(averageFrom->value(), -1);
    QVERIFY(!config(panel)["schedule"].contains("average_from"));
    QVERIFY(!panel.request().config->toJson()["schedule"].contains("average_from"));
}

void TestSetupPanel::requestCarriesTheValidatedConfig()
{
    // The worker trains the config the form validated, as it is: the same config as the resolved
    // JSON (which the worker parsed before), so the run folder's config.json is unchanged.
    SetupPanel panel;
    int compared = 0;
    for (const QString& preset : panel.presetNames()) {
        QVERIFY2(panel.selectPreset(preset), qPrintable(preset));
        if (!panel.isValid())
            continue;   // own files being checked
        const TrainingRequest request = panel.request();
        QVERIFY2(request.config, qPrintable(preset));
        QCOMPARE(request.config->toJson().dump(), core::RunConfig::fromJson(config(panel)).toJson().dump());
        ++compared;
    }
    QVERIFY(compared > 0);
    field<QLineEdit*>(panel, "lr")->setText(QStringLiteral("-1"));
    QVERIFY(!panel.isValid());
    QVERIFY(!panel.request().config);
}

void TestSetupPanel::ownArraysFromANpyPair()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeArrays(dir.path(), kExamples);
    SetupPanel panel;
    field<QSpinBox*>(panel, "n")->setValue(kExamples);
    const int steps = panel.undoStack()->count();
    // As the Browse button would: the picked X.npy stands for its folder.
    auto* dataPath = field<QLineEdit*>(panel, "dataPath");
    const QString help = dataPath->toolTip();
    panel.setArraysPath(dir.filePath(QStringLiteral("X.npy")));
    // Until the checker answers, Run is blocked and the field and the form say why.
    QVERIFY(panel.isChecking());
    QVERIFY(!panel.isValid());
    QCOMPARE(panel.errorMessage(), checkingMessage(dir.path()));
    QCOMPARE(dataPath->toolTip(), panel.errorMessage());
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("setupMessage"))->text(), panel.errorMessage());
    QVERIFY(panel.configJson().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(dataPath->toolTip(), help);
    QCOMPARE(field<QComboBox*>(panel, "dataset")->currentData().toString(), QStringLiteral("arrays"));
    QCOMPARE(dataPath->text(), dir.path());
    const nlohmann::json data = config(panel)["dataset"];
    QCOMPARE(data["name"], "arrays");
    QCOMPARE(QString::fromStdString(data["path"].get<std::string>()), dir.path());
    QCOMPARE(data["n"].get<int64_t>(), kExamples);
    QCOMPARE(panel.undoStack()->count(), steps + 1);
    QVERIFY(field<QWidget*>(panel, "dataPath")->isVisibleTo(&panel));
    QVERIFY(!field<QWidget*>(panel, "labelColumn")->isVisibleTo(&panel));   // CSV only
    QVERIFY(!field<QWidget*>(panel, "noise")->isVisibleTo(&panel));         // synthetic sets only
    // The verdict is kept: an edit outside the data and model sections loads nothing again.
    field<QLineEdit*>(panel, "lr")->setText(QStringLiteral("0.1"));
    QVERIFY(!panel.isChecking());
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(config(panel)["optimizer"]["lr"].get<double>(), 0.1);

    panel.undoStack()->undo();
    panel.undoStack()->undo();
    QCOMPARE(config(panel)["dataset"]["name"], "two-moons");
    QVERIFY(!config(panel)["dataset"].contains("path") || config(panel)["dataset"]["path"] == "");
}

void TestSetupPanel::badArraysBlockRunWithTheCoreMessage()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeArrays(dir.path(), kExamples - 1);
    SetupPanel panel;
    field<QSpinBox*>(panel, "n")->setValue(kExamples);
    QSignalSpy validity(&panel, &SetupPanel::validityChanged);
    panel.setArraysPath(dir.path());
    QCOMPARE(validity.count(), 1);
    QCOMPARE(validity.last().at(0).toBool(), false);
    QCOMPARE(validity.last().at(1).toString(), checkingMessage(dir.path()));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY(!panel.isValid());
    QCOMPARE(panel.errorMessage(),
             dir.path() + QStringLiteral("/X.npy / y.npy: X holds 20 examples but y holds 19 labels"));
    QVERIFY(panel.configJson().isEmpty());
    QCOMPARE(validity.count(), 2);
    QCOMPARE(validity.last().at(0).toBool(), false);
    QCOMPARE(validity.last().at(1).toString(), panel.errorMessage());
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("setupMessage"))->text(), panel.errorMessage());

    // Fixed on disk and chosen again: read again, and valid.
    writeArrays(dir.path(), kExamples);
    panel.setArraysPath(dir.path());
    QVERIFY(panel.isChecking());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(validity.last().at(0).toBool(), true);
}

void TestSetupPanel::notTorchScriptBlocksRun()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("model.pt"));
    writeText(path, "not a model\n");
    SetupPanel panel;
    panel.setTorchScriptPath(path);
    QCOMPARE(field<QComboBox*>(panel, "model")->currentText(), QStringLiteral("TorchScript file (.pt)…"));
    auto* modelPath = field<QLineEdit*>(panel, "modelPath");
    QCOMPARE(modelPath->toolTip(), checkingMessage(path));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY(!panel.isValid());
    QVERIFY2(panel.errorMessage().startsWith(path + QStringLiteral(": not a TorchScript file")),
             qPrintable(panel.errorMessage()));
    QVERIFY(panel.configJson().isEmpty());
    QCOMPARE(modelPath->toolTip(), panel.errorMessage());   // marked at its field
    QVERIFY(!modelPath->styleSheet().isEmpty());

    // Back to the built-in model: valid again, in one undo.
    panel.undoStack()->undo();
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QVERIFY(modelPath->styleSheet().isEmpty());
}

void TestSetupPanel::ownTorchScriptModel()
{
    // TorchScript files come from Python (Debian's python3-torch, the same 1.13 as LibTorch).
    const QString script = QStringLiteral(
        "import sys, torch\n"
        "from torch import nn\n"
        "torch.jit.script(nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))).save(sys.argv[1])\n"
        "torch.jit.script(nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))).save(sys.argv[2])\n");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = dir.filePath(QStringLiteral("two.pt"));
    const QString three = dir.filePath(QStringLiteral("three.pt"));
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script, good, three});
    if (!python.waitForFinished(120000) || python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        QSKIP("no /usr/bin/python3 with torch to make TorchScript files");
    writeArrays(dir.path(), kExamples);

    SetupPanel panel;
    field<QSpinBox*>(panel, "n")->setValue(kExamples);
    panel.setArraysPath(dir.path());
    panel.setTorchScriptPath(good);
    QCOMPARE(panel.errorMessage(), checkingMessage(dir.path() + QStringLiteral(" and ") + good));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    const nlohmann::json model = config(panel)["model"];
    QCOMPARE(model["kind"], "torchscript");
    QCOMPARE(QString::fromStdString(model["path"].get<std::string>()), good);

    // Three outputs for two classes: the core's message, Run blocked.
    panel.setTorchScriptPath(three);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY(!panel.isValid());
    QVERIFY2(panel.errorMessage().contains(QStringLiteral("the data set has 2 classes (expected [2, 2])")),
             qPrintable(panel.errorMessage()));
}

void TestSetupPanel::guiThreadRunsWhileASlowCheckRuns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeSlowArrays(dir.path(), kSlowExamples);
    SetupPanel panel;
    field<QSpinBox*>(panel, "n")->setValue(kExamples);
    int ticksWhileChecking = 0;
    QTimer timer;
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, this, [&] {
        if (panel.isChecking())
            ++ticksWhileChecking;
    });
    timer.start();
    QElapsedTimer clock;
    clock.start();
    panel.setArraysPath(dir.path());
    QVERIFY(clock.elapsed() < 100);   // only queued: loading 128 MB takes longer than that
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    const qint64 checkMs = clock.elapsed();
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(config(panel)["dataset"]["n"].get<int64_t>(), kExamples);
    // The GUI thread served its timer all along; on the GUI thread the check would have let it
    // fire only after the verdict.
    QVERIFY2(ticksWhileChecking >= 3,
             qPrintable(QStringLiteral("%1 ticks in a %2 ms check").arg(ticksWhileChecking).arg(checkMs)));
}

void TestSetupPanel::twoQuickEditsEndWithTheSecondVerdict()
{
    QTemporaryDir slowBad;
    QTemporaryDir bad;
    QTemporaryDir good;
    QVERIFY(slowBad.isValid() && bad.isValid() && good.isValid());
    writeSlowArrays(slowBad.path(), kSlowExamples - 1);
    writeArrays(bad.path(), kExamples - 1);
    writeArrays(good.path(), kExamples);
    const QString badMessage = bad.path() + QStringLiteral("/X.npy / y.npy: X holds 20 examples but y holds 19 labels");
    SetupPanel panel;
    field<QSpinBox*>(panel, "n")->setValue(kExamples);
    auto* dataPath = field<QLineEdit*>(panel, "dataPath");
    QSignalSpy validity(&panel, &SetupPanel::validityChanged);

    // Slow bad files, then good ones while the first are being read: the first verdict arrives
    // first and is dropped; the form ends valid and never showed it.
    panel.setArraysPath(slowBad.path());
    QTest::qWait(100);   // the checker has started on them
    QVERIFY(panel.isChecking());
    panel.setArraysPath(good.path());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QVERIFY2(panel.isValid(), qPrintable(panel.errorMessage()));
    QCOMPARE(dataPath->text(), good.path());
    QCOMPARE(QString::fromStdString(config(panel)["dataset"]["path"].get<std::string>()), good.path());
    QList<QString> messages;
    for (const QList<QVariant>& change : std::as_const(validity))
        messages << change.at(1).toString();
    QCOMPARE(messages, (QList<QString>{checkingMessage(slowBad.path()), checkingMessage(good.path()), QString()}));

    // Good, then bad at once: the bad verdict, and no moment of validity on the way.
    validity.clear();
    panel.setArraysPath(good.path());
    panel.setArraysPath(bad.path());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isChecking(), kCheckTimeoutMs);
    QCOMPARE(panel.errorMessage(), badMessage);
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("setupMessage"))->text(), badMessage);
    messages.clear();
    for (const QList<QVariant>& change : std::as_const(validity)) {
        QCOMPARE(change.at(0).toBool(), false);
        messages << change.at(1).toString();
    }
    QCOMPARE(messages, (QList<QString>{checkingMessage(good.path()), checkingMessage(bad.path()), badMessage}));
}

void TestSetupPanel::closingDuringACheckWaitsOnlyForItsRest()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeSlowArrays(dir.path(), kSlowExamples);
    auto panel = std::make_unique<SetupPanel>();
    field<QSpinBox*>(*panel, "n")->setValue(kExamples);
    QElapsedTimer clock;
    clock.start();
    panel->setArraysPath(dir.path());
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isChecking(), kCheckTimeoutMs);
    const qint64 oneCheckMs = clock.elapsed();
    QVERIFY(panel->isValid());

    // Chosen again (the files are read anew), and again halfway through that check: closing then
    // waits for the running check's second half (~oneCheckMs / 2), never for the queued one (which
    // would add ~oneCheckMs), and does not crash on the thread or on the answer left behind.
    panel->setArraysPath(dir.path());
    QTest::qWait(static_cast<int>(oneCheckMs / 2));
    panel->setArraysPath(dir.path());
    QVERIFY(panel->isChecking());
    clock.restart();
    panel.reset();
    const qint64 closeMs = clock.elapsed();
    QVERIFY2(closeMs < oneCheckMs,
             qPrintable(QStringLiteral("closing took %1 ms, one check %2 ms").arg(closeMs).arg(oneCheckMs)));
    QTest::qWait(50);   // the answer that was queued to the panel went with it
}

MINIMASCOPE_TEST_WIDGETS(TestSetupPanel)
#include "TestSetupPanel.moc"
