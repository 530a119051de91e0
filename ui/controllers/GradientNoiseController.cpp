#include "controllers/GradientNoiseController.h"

#include "controllers/ExportController.h"
#include "controllers/RunController.h"
#include "panels/GradientNoisePanel.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMainWindow>
#include <QSpinBox>

namespace minimascope::ui {

namespace {

QSpinBox* spinBox(const char* name, int min, int max, qint64 value, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setObjectName(QString::fromLatin1(name));
    box->setRange(min, max);
    box->setValue(int(value));
    box->setToolTip(tip);
    return box;
}

}   // namespace

GradientNoiseController::GradientNoiseController(RunController* runs, QMainWindow* window, ExportController* exports)
    : AnalysisViewController(runs, window, QStringLiteral("gradientNoiseAction"), tr("&Gradient noise geometry…"),
                             QStringLiteral("gradientNoiseDock"), tr("Gradient noise"), new GradientNoisePanel)
{
    m_panel = static_cast<GradientNoisePanel*>(dock()->widget());
    exports->addPlot(tr("Gradient covariance spectrum"), m_panel->spectrumPlot());
    exports->addPlot(tr("Gradient covariance eigenvalues through training"), m_panel->eigenvaluesPlot());
    exports->addPlot(tr("H–Σg overlap and gradient share"), m_panel->sharesPlot());
    connect(runs, &RunController::gradientNoiseUpdate, this, [this](const GradientNoisePoint& point, int index) {
        if (index == 0)   // the first point of a new analysis replaces the last one's
            m_panel->clear();
        m_panel->addPoint(point);
        showDock();
    });
    connect(runs, &RunController::gradientNoiseReady, this, &GradientNoiseController::onReady);
    connect(runs, &RunController::trainingStarted, m_panel, &GradientNoisePanel::clear);
}

QList<PlotPanel*> GradientNoiseController::plots() const { return m_panel->plots(); }

bool GradientNoiseController::start(const GradientNoiseRequest& request)
{
    if (!readyToStart(tr("Gradient noise geometry")))
        return false;
    m_last = request;
    runs()->startGradientNoise(request);
    Q_EMIT started(request.overTraining ? tr("noise through training %p%") : tr("noise %p%"),
                   request.overTraining
                       ? tr("Measuring the gradient-noise geometry (k = %1) at up to %2 of the run's %3 snapshots…")
                             .arg(request.topK)
                             .arg(request.maxSnapshots)
                             .arg(runs()->keptSnapshots())
                       : tr("Measuring the gradient-noise geometry (k = %1) at the end of the run…").arg(request.topK));
    return true;
}

void GradientNoiseController::ask()
{
    QDialog dialog(window());
    dialog.setWindowTitle(tr("Gradient noise geometry"));
    auto* form = new QFormLayout(&dialog);
    QSpinBox* k = spinBox("noiseTopK", 1, 20, m_last.topK,
                          tr("Top eigenvalues of Σg, and the dimension of H's and Σg's outlier subspaces"));
    QSpinBox* steps = spinBox("noiseDensitySteps", 10, 400, m_last.densitySteps,
                              tr("Lanczos steps of Σg's SLQ density (analyze --density-steps)"));
    QSpinBox* subset = spinBox("noiseSubset", 0, 1000000, m_last.subset,
                               tr("Measure on the first N training examples (0 = all)"));
    subset->setSpecialValueText(tr("all"));
    auto* overTraining = new QCheckBox(tr("through training, at the run's snapshots"));
    overTraining->setObjectName(QStringLiteral("noiseOverTraining"));
    const bool hasSnapshots = runs()->keptSnapshots() >= 2;
    overTraining->setEnabled(hasSnapshots);
    overTraining->setChecked(hasSnapshots && m_last.overTraining);
    if (!hasSnapshots)
        overTraining->setToolTip(tr("The run kept fewer than two snapshots: train a few iterations."));
    QSpinBox* snapshots = spinBox("noiseSnapshots", 2, 60, m_last.maxSnapshots,
                                  tr("At most this many snapshots, spread evenly, first and last included"));
    snapshots->setEnabled(overTraining->isChecked());
    connect(overTraining, &QCheckBox::toggled, snapshots, &QWidget::setEnabled);
    form->addRow(tr("Top-k"), k);
    form->addRow(tr("Density steps"), steps);
    form->addRow(tr("Examples"), subset);
    form->addRow(overTraining);
    form->addRow(tr("Snapshots"), snapshots);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    GradientNoiseRequest request;
    request.topK = k->value();
    request.densitySteps = steps->value();
    request.subset = subset->value();
    request.overTraining = overTraining->isChecked();
    request.maxSnapshots = snapshots->value();
    start(request);
}

void GradientNoiseController::onReady(const GradientNoiseResult& result)
{
    QString line =
        tr("Gradient noise geometry %1: %2").arg(QLatin1String(core::toString(result.status)), result.message);
    if (!result.points.empty())
        line += QStringLiteral(". ") + m_panel->summary();
    Q_EMIT finished(result.status, line);
}

}   // namespace minimascope::ui
