#include "demos/NormalizationDemoView.h"

#include "QCustomPlotInclude.h"
#include "demos/RawNormalizedMaps.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace minimascope::ui {

NormalizationDemoView::NormalizationDemoView(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<NormalizationLessonRequest>();
    qRegisterMetaType<NormalizationLessonResult>();
    setObjectName(QStringLiteral("normalizationDemoView"));
    m_plot = new QCustomPlot;
    m_plot->setObjectName(QStringLiteral("normalizationMaps"));
    m_plot->setMinimumSize(240, 200);
    m_plot->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_summary = new QLabel(tr("Training the minima and evaluating their surfaces…"));
    m_summary->setObjectName(QStringLiteral("normalizationSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_summary);

    m_worker = new NormalizationLessonWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &NormalizationDemoView::computeRequested, m_worker, &NormalizationLessonWorker::compute,
            Qt::QueuedConnection);
    connect(m_worker, &NormalizationLessonWorker::ready, this, &NormalizationDemoView::onReady, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("normalization lesson"));
    m_thread.start();
}

NormalizationDemoView::~NormalizationDemoView()
{
    m_worker->cancelToken().requestCancel();
    m_thread.quit();
    m_thread.wait();
}

void NormalizationDemoView::setLesson(const QStringList& labels, const QStringList& runConfigs)
{
    m_labels = labels;
    m_hasResult = false;
    buildMaps(static_cast<int>(runConfigs.size()));
    m_summary->setText(tr("Training the minima and evaluating their surfaces…"));
    NormalizationLessonRequest request;
    request.jobId = ++m_jobId;
    request.runConfigs = runConfigs;
    request.resolution = kResolution;
    request.range = kRange;
    Q_EMIT computeRequested(request);
}

void NormalizationDemoView::buildMaps(int rows)
{
    RawNormalizedMapsLayout layout;
    layout.rows = rows;
    layout.rowLabels = m_labels;
    layout.normalizedTitle = tr("filter-normalized directions");
    layout.alphaLabel = QStringLiteral("α");
    layout.betaLabel = QStringLiteral("β");
    layout.scaleLabel = tr("training loss (log scale, shared)");
    const RawNormalizedMaps maps = buildRawNormalizedMaps(m_plot, layout);
    m_scale = maps.scale;
    m_maps = maps.maps;
    applyTheme();
}

QCPColorMap* NormalizationDemoView::colorMap(int row, bool normalized) const
{
    const int index = 2 * row + (normalized ? 1 : 0);
    return index >= 0 && index < m_maps.size() ? m_maps.at(index) : nullptr;
}

QString NormalizationDemoView::summaryText() const
{
    return m_summary->text();
}

void NormalizationDemoView::onReady(const NormalizationLessonResult& result)
{
    if (result.jobId != m_jobId)
        return;   // an answer to a request since replaced
    m_result = result;
    if (!result.error.isEmpty()) {
        m_summary->setText(tr("The lesson could not be computed: %1").arg(result.error));
        Q_EMIT lessonReady(result.error);
        return;
    }
    double low = std::numeric_limits<double>::infinity();
    double high = 0.0;
    QStringList lines;
    for (size_t row = 0; row < result.minima.size(); ++row) {
        const NormalizationMinimumResult& minimum = result.minima[row];
        const int nx = static_cast<int>(minimum.xs.size());
        const int ny = static_cast<int>(minimum.ys.size());
        for (bool normalized : {false, true}) {
            QCPColorMap* map = colorMap(static_cast<int>(row), normalized);
            if (!map || nx < 2 || ny < 2)
                continue;
            const std::vector<double>& loss = normalized ? minimum.normalizedLoss : minimum.rawLoss;
            map->data()->setSize(nx, ny);
            map->data()->setRange(QCPRange(minimum.xs.front(), minimum.xs.back()),
                                  QCPRange(minimum.ys.front(), minimum.ys.back()));
            for (int j = 0; j < ny; ++j)
                for (int i = 0; i < nx; ++i) {
                    const double value = loss[static_cast<size_t>(j * nx + i)];
                    map->data()->setCell(i, j, value);
                    if (std::isfinite(value) && value > 0.0) {
                        low = std::min(low, value);
                        high = std::max(high, value);
                    }
                }
            map->rescaleAxes();
        }
        const QString label = row < size_t(m_labels.size()) ? m_labels.at(int(row)) : tr("run %1").arg(row + 1);
        lines << tr("<b>%1</b>: %2 steps, loss %3, test %4%, |θ| = %5; mean loss over the plane: raw %6, "
                    "filter-normalized %7.")
                     .arg(label)
                     .arg(minimum.iterations)
                     .arg(minimum.trainLoss, 0, 'g', 3)
                     .arg(100.0 * minimum.testAccuracy, 0, 'f', 1)
                     .arg(minimum.weightNorm, 0, 'f', 1)
                     .arg(meanOverPlane(minimum.rawLoss), 0, 'g', 3)
                     .arg(meanOverPlane(minimum.normalizedLoss), 0, 'g', 3);
    }
    if (high > 0.0)
        m_scale->setDataRange(QCPRange(low, high));
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    m_hasResult = true;
    m_plot->replot();
    Q_EMIT lessonReady(QString());
}

void NormalizationDemoView::setTheme(const PlotTheme& theme)
{
    m_theme = theme;
    applyTheme();
}

void NormalizationDemoView::applyTheme()
{
    applyRawNormalizedMapsTheme(m_plot, m_scale, m_theme);
    m_plot->replot();
}

} // namespace minimascope::ui
