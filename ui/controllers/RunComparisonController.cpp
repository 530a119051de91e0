#include "controllers/RunComparisonController.h"

#include "CurvesPlot.h"
#include "controllers/ExportController.h"
#include "controllers/RunComparison.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <exception>

namespace minimascope::ui {

namespace {

std::vector<std::string> toStd(const QStringList& dirs)
{
    std::vector<std::string> out;
    for (const QString& dir : dirs)
        out.push_back(dir.toStdString());
    return out;
}

}   // namespace

RunComparisonController::RunComparisonController(QMainWindow* window, ExportController* exports)
    : QObject(window), m_window(window), m_action(new QAction(tr("Co&mpare run folders…"), window)),
      m_dock(new QDockWidget(tr("Runs compared"), window)), m_curves(new CurvesPlot), m_densities(new CurvesPlot)
{
    m_action->setObjectName(QStringLiteral("compareRunsAction"));
    m_action->setToolTip(tr("Several run folders' 1D landscape and spectra on one figure each"));
    connect(m_action, &QAction::triggered, this, &RunComparisonController::ask);
    m_curves->setObjectName(QStringLiteral("comparedCurves"));
    m_densities->setObjectName(QStringLiteral("comparedSpectra"));
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_curves);
    splitter->addWidget(m_densities);
    m_dock->setObjectName(QStringLiteral("runComparisonDock"));
    m_dock->setWidget(splitter);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_dock->hide();
    exports->addPlot(tr("Runs compared: landscape"), m_curves);
    exports->addPlot(tr("Runs compared: spectra"), m_densities);
}

QList<PlotPanel*> RunComparisonController::plots() const { return {m_curves, m_densities}; }

bool RunComparisonController::compare(const QStringList& runDirs, const QString& curveName, bool spectra,
                                      QString* error)
{
    if (runDirs.size() < 2 || (curveName.isEmpty() && !spectra)) {
        *error = tr("Choose at least two run folders, and a landscape or the spectra to compare.");
        return false;
    }
    // Read everything first: a missing file should change nothing on screen.
    std::vector<RunCurve> curves;
    std::vector<RunSpectrum> runSpectra;
    try {
        for (const QString& dir : runDirs) {
            const QString label = QString::fromStdString(runFolderName(dir.toStdString()));
            if (!curveName.isEmpty())
                curves.push_back(readRunCurve(dir.toStdString(), curveName.toStdString(), label));
            if (spectra)
                runSpectra.push_back({label, readRunSpectrum(dir.toStdString(), -1)});
        }
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    m_curves->clear();
    m_densities->clear();
    if (!curves.empty())
        fillRunCurves(curves, *m_curves);
    if (spectra && !fillSpectraOfRuns(runSpectra, *m_densities)) {
        *error = tr("None of the runs' analyses has a density: analyze them with --quantities ...,density.");
        return false;
    }
    m_curves->setVisible(!curves.empty());
    m_densities->setVisible(spectra);
    m_lastDirs = runDirs;
    m_dock->show();
    m_dock->raise();
    return true;
}

void RunComparisonController::ask()
{
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("Compare run folders"));
    auto* list = new QListWidget;
    list->addItems(m_lastDirs);
    auto* add = new QPushButton(tr("Add folder…"));
    auto* remove = new QPushButton(tr("Remove"));
    auto* curve = new QComboBox;
    auto* spectra = new QCheckBox(tr("Hessian spectra (each run's last analysis)"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    // The landscapes every listed folder holds; "none" compares the spectra alone.
    const auto refill = [&] {
        QStringList dirs;
        for (int i = 0; i < list->count(); ++i)
            dirs << list->item(i)->text();
        const QString previous = curve->currentData().toString();
        curve->clear();
        curve->addItem(tr("none"), QString());
        for (const std::string& name : commonRunCurves(toStd(dirs)))
            curve->addItem(QString::fromStdString(name), QString::fromStdString(name));
        const int keep = curve->findData(previous);
        curve->setCurrentIndex(keep >= 0 ? keep : (curve->count() > 1 ? 1 : 0));
        buttons->button(QDialogButtonBox::Ok)->setEnabled(list->count() >= 2);
    };
    connect(add, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("A run folder"));
        if (!dir.isEmpty() && list->findItems(dir, Qt::MatchExactly).isEmpty()) {
            list->addItem(dir);
            refill();
        }
    });
    connect(remove, &QPushButton::clicked, &dialog, [&] {
        delete list->currentItem();
        refill();
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* row = new QHBoxLayout;
    row->addWidget(add);
    row->addWidget(remove);
    row->addStretch();
    auto* form = new QFormLayout;
    form->addRow(tr("1D landscape (RUN/NAME.vts)"), curve);
    form->addRow(spectra);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(list);
    layout->addLayout(row);
    layout->addLayout(form);
    layout->addWidget(buttons);
    refill();
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList dirs;
    for (int i = 0; i < list->count(); ++i)
        dirs << list->item(i)->text();
    QString error;
    if (!compare(dirs, curve->currentData().toString(), spectra->isChecked(), &error))
        QMessageBox::warning(m_window, tr("Cannot compare the run folders"), error);
}

}   // namespace minimascope::ui
