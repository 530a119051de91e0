#include "controllers/AsymmetryController.h"

#include "controllers/ExportController.h"
#include "controllers/RunController.h"
#include "dialogs/AsymmetryDialog.h"

#include "AsymmetryHistogram.h"
#include "CurvesPlot.h"

#include "train/RunConfig.h"

#include <QMainWindow>
#include <QSplitter>

#include <cmath>

namespace minimascope::ui {

namespace {

QString ratioText(double ratio) { return std::isinf(ratio) ? QStringLiteral("∞") : QString::number(ratio, 'g', 3); }

}   // namespace

AsymmetryController::AsymmetryController(RunController* runs, QMainWindow* window, ExportController* exports)
    : AnalysisViewController(runs, window, QStringLiteral("asymmetryAction"), tr("&Asymmetric valleys…"),
                             QStringLiteral("asymmetryDock"), tr("Asymmetric valleys"), new QSplitter(Qt::Vertical))
{
    auto* splitter = static_cast<QSplitter*>(dock()->widget());
    m_histogram = new AsymmetryHistogram;
    m_histogram->setObjectName(QStringLiteral("asymmetryHistogram"));
    m_histogram->setTitle(tr("Asymmetry of random directions"));
    m_curves = new CurvesPlot;
    m_curves->setObjectName(QStringLiteral("asymmetryCurves"));
    m_curves->setTitle(tr("The most asymmetric directions"));
    m_curves->setAxisLabels(tr("signed distance l (filter-normalized units)"), tr("training loss"));
    m_curves->setCsvColumns(QStringLiteral("direction"), QStringLiteral("l"), QStringLiteral("loss"));
    splitter->addWidget(m_histogram);
    splitter->addWidget(m_curves);
    exports->addPlot(tr("Asymmetry ratios"), m_histogram);
    exports->addPlot(tr("Most asymmetric directions"), m_curves);
    connect(runs, &RunController::asymmetryReady, this, &AsymmetryController::onReady);
    connect(runs, &RunController::trainingStarted, this, [this] {
        m_histogram->clear();
        m_curves->clear();
        // The CLI's default seed is the run's.
        if (const auto& config = this->runs()->lastRunConfig())
            m_last.seed = config->seed;
    });
}

QList<PlotPanel*> AsymmetryController::plots() const { return {m_histogram, m_curves}; }

bool AsymmetryController::start(const AsymmetryRequest& request)
{
    if (!readyToStart(tr("Asymmetric valleys")))
        return false;
    m_last = request;
    runs()->startAsymmetry(request);
    Q_EMIT started(tr("asymmetry %p%"), tr("Scanning %1 random directions for asymmetric valleys, %2 distances a "
                                           "side over [%3, %4]…")
                                            .arg(request.count)
                                            .arg(request.points)
                                            .arg(request.zeta)
                                            .arg(request.radius));
    return true;
}

void AsymmetryController::ask()
{
    AsymmetryDialog dialog(m_last, window());
    if (dialog.exec() == QDialog::Accepted)
        start(dialog.request());
}

void AsymmetryController::onReady(const AsymmetryResult& result)
{
    if (!arrivedWithResult(tr("Asymmetric valleys"), result.status, result.message))
        return;
    m_result = result;
    std::vector<double> ratios;
    std::vector<bool> asymmetric;
    for (const AsymmetryDirection& d : result.directions) {
        ratios.push_back(d.ratio);
        asymmetric.push_back(d.asymmetric);
    }
    m_histogram->setRatios(ratios, asymmetric);
    const AsymmetryRequest& r = result.request;
    const QString verdict = tr("%1 of %2 directions (r, p, c, ζ) = (%3, %4, %5, %6)-asymmetric")
                                .arg(result.asymmetricCount)
                                .arg(result.directions.size())
                                .arg(r.radius)
                                .arg(r.p > 0 ? QString::number(r.p) : tr("any"))
                                .arg(r.c)
                                .arg(r.zeta);
    m_histogram->setTitle(verdict);
    m_curves->clear();
    for (size_t rank = 0; rank < result.byAsymmetry.size() && rank < size_t(kCurvesShown); ++rank) {
        const AsymmetryDirection& d = result.directions[result.byAsymmetry[rank]];
        m_curves->addCurve(tr("seed %1: ratio %2, flat side %3%4")
                               .arg(d.seed)
                               .arg(ratioText(d.ratio), d.flatSide > 0 ? QStringLiteral("+") : QStringLiteral("−"),
                                    d.asymmetric ? tr(", asymmetric") : QString()),
                           d.l, d.loss);
    }
    m_curves->resetView();
    showDock();
    Q_EMIT finished(result.status, tr("Asymmetric valleys %1: %2 (%3)")
                                       .arg(QLatin1String(core::toString(result.status)), verdict, result.message));
}

}   // namespace minimascope::ui
