#pragma once
// StudyWindow: a study in the desktop app (docs/studies.md). A toolbar (open a study file or a
// study folder, Start / Pause / Stop, the number of runs at once), a progress line with the ETA,
// the table of runs (sortable, filtered by state and by a text over the axes) and the linked
// plots of StudyPlots: selecting rows rings their points on the diagram and overlays their curves;
// a click on a point selects its row; a double-click on a row asks the main window to open that
// run folder (openRunRequested). The window runs a study file through StudyWorker (a thread of its
// own; each point a minimascope-cli child process) and shows the store as it fills in by reopening
// it read-only every second, so a study that the CLI writes can be watched the same way; the table
// keeps its selection and sort order across these refreshes. Closing the window stops a study it
// runs (the runs in flight are redone by the next Start). GUI thread only.
#include "workers/WorkerTypes.h"

#include <QMainWindow>
#include <QString>
#include <QThread>
#include <QTimer>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;
class QTableView;

namespace minimascope::core {
struct StudyProgress;
}

namespace minimascope::ui {

class ExportController;
class StudyFilterModel;
class StudyPlots;
class StudyTableModel;
class StudyTablePane;
class StudyWorker;
struct PlotTheme;

class StudyWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit StudyWindow(QWidget* parent = nullptr);
    ~StudyWindow() override;

    // A study folder (holding study.sqlite), that folder's study.sqlite, or a study file (JSON).
    bool openStudy(const QString& path, QString* error = nullptr);
    // Shows the folder's store and watches it (read-only).
    bool openStudyFolder(const QString& dir, QString* error = nullptr);
    // Validates the study file and shows its points (merged with what outDir's store already
    // holds), ready to Start into outDir; an empty outDir is the folder named after the file
    // beside it.
    bool openStudyFile(const QString& file, const QString& outDir = {}, QString* error = nullptr);

    // The minimascope-cli that runs the points (default StudyWorker::defaultExecutable()).
    void setCliExecutable(const QString& path);
    void setPlotTheme(const PlotTheme& theme);

    QString studyDir() const { return m_dir; }
    QString studyFile() const { return m_file; }
    StudyTablePane* tablePane() const { return m_tablePane; }
    StudyTableModel* model() const;
    StudyFilterModel* filterModel() const;
    QTableView* table() const;
    QComboBox* stateFilterBox() const;
    QLineEdit* axesFilterEdit() const;
    StudyPlots* plots() const { return m_plots; }
    StudyWorker* worker() const { return m_worker; }
    bool isRunning() const { return m_running; }
    QString progressText() const;

public Q_SLOTS:
    // Runs (or resumes) the open study file; false when there is none or it already runs.
    bool start();
    void setPaused(bool paused);
    void stop();
    // Rereads the store now (the timer does it every second while a study is open).
    void refresh();
    void chooseStudyFile();
    // A study defined in a form (NewStudyDialog), written to its folder's study.json and opened.
    void defineStudy();
    void chooseStudyFolder();

Q_SIGNALS:
    // The absolute path of a run folder the user double-clicked.
    void openRunRequested(const QString& folder);
    // A study this window ran has ended (Finished, Cancelled or Failed with the message).
    void studyFinished(minimascope::core::RunStatus status, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    void updateActions();
    void onProgress(const core::StudyProgress& progress);
    void onFinished(core::RunStatus status, const QString& message);
    void onSelectionChanged();
    void showCounts();
    void setTitleFor(const QString& name);

    StudyTablePane* m_tablePane = nullptr;
    StudyPlots* m_plots = nullptr;
    ExportController* m_export = nullptr;
    QLabel* m_progressLabel = nullptr;
    QProgressBar* m_progressBar = nullptr;
    QSpinBox* m_workersBox = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_openFileAction = nullptr;
    QAction* m_openFolderAction = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;

    StudyWorker* m_worker = nullptr;
    QThread m_thread;
    QTimer m_watch;
    QString m_dir;              // the study folder (store and run folders)
    QString m_file;             // the study file, when one was opened (Start needs it)
    QString m_storeSignature;   // what the last refresh read, to skip unchanged rereads
    QString m_lastError;
    double m_etaSeconds = -1.0;
    bool m_running = false;
    bool m_resumable = false;   // a folder whose store keeps its study file: Start resumes it
};

}   // namespace minimascope::ui
