#pragma once
// Driving the main window as a user does, for the TestMainWindow* suites: the setup form's fields
// and the window's actions by object name, the run updates a spy caught, the runs the suites
// start. The escape toy (docs/science.md, "The escape toy") gives exact answers: at x = 1, a = 2
// and s = 1.8; at x = 0, a = 2 and s = 0; GD with eta = 0.7 stays at x = 1, SGD with B = 1
// escapes to x = 0.
#include "MainWindow.h"
#include "controllers/RunController.h"
#include "panels/SetupPanel.h"

#include <QAction>
#include <QCoreApplication>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace minimascope::tests {

// The presets these suites run end in a few seconds; the bound leaves room for a loaded machine.
constexpr int kRunTimeoutMs = 30000;
// A loss the app evaluates at a point of a landscape (a surface, a line) against the trainer's at
// the same parameters: the landscape goes through its own float32 path (first-layer products
// reused, a point formed as origin + α·d), the trainer through the network's forward; they agree to
// float32 rounding of a mean over n examples.
constexpr double kLossAgreement = 1e-5;

// Never read or write the user's settings: QSettings go to `dir` (a suite's initTestCase).
inline void isolateSettings(const QTemporaryDir& dir)
{
    QVERIFY(dir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeTest"));
}

template <typename T> T findField(ui::MainWindow& window, const char* name)
{
    auto* field = window.setupPanel()->findChild<T>(QString::fromLatin1(name));
    if (!field)
        qFatal("no setup field named %s", name);
    return field;
}

inline QAction* action(ui::MainWindow& window, const char* name)
{
    auto* a = window.findChild<QAction*>(QString::fromLatin1(name));
    if (!a)
        qFatal("no action named %s", name);
    return a;
}

// A two-moons run that does not end by itself (only Stop ends it), measuring a and s often.
inline void setEndlessTwoMoons(ui::MainWindow& window)
{
    QVERIFY(window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")));
    findField<QLineEdit*>(window, "lossBelow")->setText(QStringLiteral("0"));
    findField<QSpinBox*>(window, "maxIterations")->setValue(100000000);
    findField<QSpinBox*>(window, "curvatureEvery")->setValue(20);
    QVERIFY2(window.setupPanel()->isValid(), qPrintable(window.setupPanel()->errorMessage()));
}

inline QList<ui::TrainingUpdate> updates(const QSignalSpy& spy)
{
    QList<ui::TrainingUpdate> list;
    for (const QList<QVariant>& args : spy)
        list.append(args.at(0).value<ui::TrainingUpdate>());
    return list;
}

// Trains the preset `name` as it is; returns how the run ended.
inline ui::TrainingOutcome trainPreset(ui::MainWindow& window, const char* name)
{
    if (!window.setupPanel()->selectPreset(QLatin1String(name)))
        qFatal("preset %s missing", name);
    QSignalSpy finished(window.runController(), &ui::RunController::trainingFinished);
    if (!window.startRun() || !finished.wait(kRunTimeoutMs))
        qFatal("the %s run did not finish", name);
    return finished.at(0).at(0).value<ui::TrainingOutcome>();
}

// Trains a short two-moons run measuring a and s at the end only; returns that sharpness.
inline double trainShortTwoMoons(ui::MainWindow& window, ui::TrainingOutcome* outcome)
{
    if (!window.setupPanel()->selectPreset(QStringLiteral("two-moons-quick")))
        qFatal("two-moons-quick preset missing");
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("maxIterations"))->setValue(400);
    window.setupPanel()->findChild<QSpinBox*>(QStringLiteral("curvatureEvery"))->setValue(0);
    QSignalSpy finished(window.runController(), &ui::RunController::trainingFinished);
    QSignalSpy progress(window.runController(), &ui::RunController::trainingUpdate);
    if (!window.startRun() || !finished.wait(kRunTimeoutMs))
        qFatal("the two-moons run did not finish");
    *outcome = finished.at(0).at(0).value<ui::TrainingOutcome>();
    QVector<core::CurvatureSample> samples;
    for (const ui::TrainingUpdate& u : updates(progress))
        samples += u.samples;
    return samples.isEmpty() ? NAN : samples.back().sharpness;
}

}   // namespace minimascope::tests
