#pragma once
// The run setup form: preset, data set, model, optimizer and its hyper-parameters, stop rules
// and the curvature cadence ("measure a and s every k iterations on the first N examples").
// The fields are turned into a run config's JSON and validated by the core itself
// (RunConfig::fromJson) at every edit, so that the GUI and minimascope-cli accept exactly the
// same configs; the core's message is shown under the form and at the field it names.
// The user's own files (dataset "arrays", a TorchScript model) are loaded as a run would load
// them, on a thread of the panel's (OwnFilesChecker.h), never on the GUI thread: meanwhile the form
// is not valid, its message and the path fields say "checking …", and an edit that changes the
// files supersedes the check (the older verdict is dropped). The verdict on the files last checked
// is kept. Destroying the panel waits for the check that is running, if any: at most its remaining
// time (loading cannot be interrupted). GUI thread only.
#include "workers/WorkerTypes.h"

#include <QWidget>

#include <memory>
#include <string>

class QSettings;
class QUndoStack;

namespace minimascope::ui {

struct FormSnapshot;

class SetupPanel : public QWidget {
    Q_OBJECT
public:
    explicit SetupPanel(QWidget* parent = nullptr);
    ~SetupPanel() override;

    QStringList presetNames() const;
    // Fills the fields from a shipped preset / from a run config's JSON; false and *error on failure.
    // A loaded config (a run folder's, a demo's) shows no preset: it came from none.
    bool selectPreset(const QString& name, QString* error = nullptr);
    bool loadConfig(const QString& json, QString* error = nullptr);
    // Own data / own model (docs/own-model.md), as the Browse buttons set them: chooses the
    // "Own arrays" / "TorchScript file" entry with this path (a picked .npy file stands for its
    // folder) and checks the files anew. One undoable step each.
    void setArraysPath(const QString& path);
    void setTorchScriptPath(const QString& path);

    // The form's history: one command per committed edit (a text or number field on Return or
    // when it loses focus, a programmatic change at once, a choice at once); loading a preset
    // or a config is one command. Starts empty after construction and restoreSettings().
    QUndoStack* undoStack() const;

    // False while the own files are being checked; errorMessage() then says so.
    bool isValid() const;
    QString errorMessage() const;
    // The form's own files are being checked: validityChanged() brings the verdict.
    bool isChecking() const;
    // The resolved config (every default filled in by the core) as JSON text; empty while invalid.
    QString configJson() const;
    // The validated config itself and the curvature cadence; the job id is left for the caller.
    // Its config is null while the form is invalid.
    TrainingRequest request() const;

    // Fields are read-only while a run uses them.
    void setRunning(bool running);
    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

Q_SIGNALS:
    void validityChanged(bool valid, const QString& message);

private:
    void buildForm();
    // loadConfig with the preset shown beside it (empty: none).
    bool applyConfig(const QString& json, const QString& preset, QString* error);
    void fillFields(const core::RunConfig& c);
    void updateVisibility();
    void revalidate();
    // Starts the check of the own files `files` stand for (the cache key), superseding any other.
    void checkOwnFiles(const std::string& files, const core::RunConfig& config);
    void onOwnFilesChecked(quint64 jobId, const QString& message, const QString& key);
    FormSnapshot snapshot() const;
    void applySnapshot(const FormSnapshot& state);
    // Pushes the change since the last commit as one command (nothing while filling or inside a step).
    void commit(const QString& what);
    void resetHistory();
    void browseData();
    void browseTestCsv();
    void browseModel();

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}   // namespace minimascope::ui
