#include "controllers/FitnessDistanceController.h"

#include "controllers/ExportController.h"
#include "controllers/RunController.h"

#include "FitnessDistancePlot.h"

#include "common/InputError.h"
#include "landscape/FitnessDistance.h"
#include "models/TeacherNetwork.h"
#include "train/RunConfig.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QSpinBox>

#include <cmath>

namespace minimascope::ui {

FitnessDistanceController::FitnessDistanceController(RunController* runs, QMainWindow* window,
                                                     ExportController* exports)
    : AnalysisViewController(runs, window, QStringLiteral("fitnessDistanceAction"),
                             tr("&Fitness-distance correlation…"), QStringLiteral("fitnessDistanceDock"),
                             tr("Fitness-distance"), new FitnessDistancePlot)
{
    m_plot = static_cast<FitnessDistancePlot*>(dock()->widget());
    m_plot->setObjectName(QStringLiteral("fitnessDistancePlot"));
    m_plot->setTitle(tr("Fitness-distance correlation around the teacher"));
    exports->addPlot(tr("Fitness-distance scatter"), m_plot);
    connect(runs, &RunController::fitnessDistanceReady, this, &FitnessDistanceController::onReady);
    connect(runs, &RunController::trainingStarted, m_plot, &FitnessDistancePlot::clear);
    updateAction();   // the base's constructor could not ask whyUnfit() yet
}

QString FitnessDistanceController::whyUnfit() const
{
    const auto& config = runs()->lastRunConfig();
    if (!config)
        return tr("Train a run first.");
    try {
        core::teacherOf(config->dataset);
    } catch (const core::InputError& e) {
        return tr("The fitness-distance correlation is measured around a teacher's weights: %1")
            .arg(QString::fromStdString(e.what()));
    }
    return {};
}

bool FitnessDistanceController::start(const FitnessDistanceRequest& request)
{
    if (!readyToStart(tr("Fitness-distance correlation")))
        return false;
    m_last = request;
    runs()->startFitnessDistance(request);
    Q_EMIT started(tr("fdc %p%"), tr("Sampling the fitness-distance correlation: %1 distances × %2 points around "
                                     "the teacher's weights…")
                                      .arg(request.distances.size())
                                      .arg(request.samples));
    return true;
}

bool FitnessDistanceController::startWithDefaults()
{
    FitnessDistanceRequest request;
    request.distances = core::parseFitnessDistances(m_distances.toStdString());
    return start(request);
}

void FitnessDistanceController::ask()
{
    QDialog dialog(window());
    dialog.setWindowTitle(tr("Fitness-distance correlation"));
    auto* form = new QFormLayout(&dialog);
    auto* distances = new QLineEdit(m_distances);
    distances->setObjectName(QStringLiteral("fdcDistances"));
    distances->setToolTip(tr("Distances |w − w*| from the teacher's weights, in parameter units: D1,D2,… or A:B:K "
                             "(K evenly spaced from A to B), as fdc --distances"));
    auto* samples = new QSpinBox;
    samples->setObjectName(QStringLiteral("fdcSamples"));
    samples->setRange(1, 1000);
    samples->setValue(int(m_last.samples));
    samples->setToolTip(tr("Random directions (points) per distance"));
    auto* subset = new QSpinBox;
    subset->setObjectName(QStringLiteral("fdcSubset"));
    subset->setRange(0, 1000000);
    subset->setValue(int(m_last.subset));
    subset->setSpecialValueText(tr("all"));
    subset->setToolTip(tr("Evaluate on the first N training examples (0 = all)"));
    auto* error = new QLabel;
    error->setWordWrap(true);
    form->addRow(tr("Distances"), distances);
    form->addRow(tr("Samples"), samples);
    form->addRow(tr("Examples"), subset);
    form->addRow(error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    FitnessDistanceRequest request;
    // A distance list the core refuses keeps the dialog open with the core's message.
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        try {
            request.distances = core::parseFitnessDistances(distances->text().toStdString());
            dialog.accept();
        } catch (const core::InputError& e) {
            error->setText(QString::fromStdString(e.what()));
        }
    });
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_distances = distances->text();
    request.samples = samples->value();
    request.subset = subset->value();
    start(request);
}

void FitnessDistanceController::onReady(const FitnessDistanceResult& result)
{
    QString line = tr("Fitness-distance correlation %1").arg(QLatin1String(core::toString(result.status)));
    if (result.status == core::RunStatus::Failed) {
        Q_EMIT finished(result.status, line + QStringLiteral(": ") + result.message);
        return;
    }
    m_result = result;
    m_plot->setSample(result.points, result.correlation, result.undefinedReason);
    m_plot->resetView();
    showDock();
    line += std::isfinite(result.correlation) ? tr(": r = %1 over %2 points (seed %3), the teacher's own loss %4")
                                                    .arg(result.correlation, 0, 'f', 6)
                                                    .arg(result.points.size())
                                                    .arg(result.seed)
                                                    .arg(result.centreLoss, 0, 'g', 6)
                                              : tr(": r undefined (%1)").arg(result.undefinedReason);
    Q_EMIT finished(result.status, line);
}

}   // namespace minimascope::ui
