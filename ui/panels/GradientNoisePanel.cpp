#include "panels/GradientNoisePanel.h"

#include "CurvesPlot.h"
#include "QCustomPlotInclude.h"
#include "SpectrumPlot.h"

#include <QLabel>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>

namespace minimascope::ui {

namespace {

// A point measured only at the run's end is a single marker: lines alone would not show it.
constexpr double kMarkerSize = 6.0;

void addMarkedCurve(CurvesPlot& plot, const QString& name, double x, double y)
{
    plot.addCurve(name, {x}, {y});
    plot.curveGraph(plot.curveCount() - 1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kMarkerSize));
}

QString numbers(const std::vector<double>& values)
{
    QStringList text;
    for (double v : values)
        text << QString::number(v, 'g', 4);
    return text.join(QStringLiteral(", "));
}

}   // namespace

GradientNoisePanel::GradientNoisePanel(QWidget* parent) : QWidget(parent)
{
    m_spectrum = new SpectrumPlot;
    m_spectrum->setObjectName(QStringLiteral("gradientNoiseSpectrum"));
    m_spectrum->customPlot()->xAxis->setLabel(tr("eigenvalue λ of Σg"));
    m_spectrum->emptyHint()->setText(tr("No gradient-noise geometry yet.\nAfter a run: Run → Gradient noise "
                                        "geometry…"));
    m_eigenvalues = new CurvesPlot;
    m_eigenvalues->setObjectName(QStringLiteral("gradientNoiseEigenvalues"));
    m_eigenvalues->setTitle(tr("Top eigenvalues of the gradient covariance Σg"));
    m_eigenvalues->setAxisLabels(tr("iteration"), tr("eigenvalue of Σg"));
    m_eigenvalues->setCsvColumns(QStringLiteral("eigenvalue"), QStringLiteral("iteration"), QStringLiteral("value"));
    m_eigenvalues->setLogY(true);
    m_shares = new CurvesPlot;
    m_shares->setObjectName(QStringLiteral("gradientNoiseShares"));
    m_shares->setTitle(tr("Outlier subspaces of H and Σg"));
    m_shares->setAxisLabels(tr("iteration"), tr("share of energy"));
    m_shares->setCsvColumns(QStringLiteral("quantity"), QStringLiteral("iteration"), QStringLiteral("share"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("gradientNoiseSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_eigenvalues);
    lower->addWidget(m_shares);
    auto* plots = new QSplitter(Qt::Vertical);
    plots->addWidget(m_spectrum);
    plots->addWidget(lower);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(plots, 1);
    clear();
}

void GradientNoisePanel::clear()
{
    m_spectrum->clear();
    m_spectrum->setTitle(tr("Spectrum of the gradient covariance Σg"));
    m_eigenvalues->clear();
    m_shares->clear();
    m_summary->setText(tr("Σg = (1/n) Σi ∇fi ∇fiᵀ: its spectrum, and how its top-k subspace lines up with H's "
                          "(Ghorbani, Krishnan & Xiao 2019)."));
}

void GradientNoisePanel::addPoint(const GradientNoisePoint& point)
{
    const auto iteration = double(point.iteration);
    m_spectrum->setDensity(point.grid, point.density);
    m_spectrum->setTopEigenvalues(point.covarianceTop);
    m_spectrum->setTitle(tr("Spectrum of the gradient covariance Σg at iteration %1").arg(point.iteration));
    m_spectrum->resetView();
    for (size_t k = 0; k < point.covarianceTop.size(); ++k) {
        if (int(k) < m_eigenvalues->curveCount())
            m_eigenvalues->appendPoint(int(k), iteration, point.covarianceTop[k]);
        else
            addMarkedCurve(*m_eigenvalues, tr("λ%1(Σg)").arg(k + 1), iteration, point.covarianceTop[k]);
    }
    if (m_shares->curveCount() == 0) {
        const auto k = qint64(point.hessianTop.size());
        addMarkedCurve(*m_shares, tr("overlap: H's top-%1 in Σg's top-%1").arg(k), iteration, point.overlap);
        addMarkedCurve(*m_shares, tr("share of |g|² in H's top-%1").arg(k), iteration, point.gradientShare);
    } else {
        m_shares->appendPoint(0, iteration, point.overlap);
        m_shares->appendPoint(1, iteration, point.gradientShare);
    }
    m_eigenvalues->resetView();
    m_shares->resetView();
    m_summary->setText(tr("Iteration %1: top eigenvalues of Σg %2; of H %3 · overlap of the top-%4 subspaces "
                          "%5 · share of |g|² (|g| = %6) in H's top-%4 %7")
                           .arg(point.iteration)
                           .arg(numbers(point.covarianceTop), numbers(point.hessianTop))
                           .arg(point.hessianTop.size())
                           .arg(point.overlap, 0, 'g', 4)
                           .arg(point.gradientNorm, 0, 'g', 4)
                           .arg(point.gradientShare, 0, 'g', 4));
}

QString GradientNoisePanel::summary() const { return m_summary->text(); }

QList<PlotPanel*> GradientNoisePanel::plots() const { return {m_spectrum, m_eigenvalues, m_shares}; }

}   // namespace minimascope::ui
