#include "demos/NormalizationDemoView.h"

#include "QCustomPlotInclude.h"
#include "SurfaceMapPlot.h"
#include "demos/RawNormalizedMaps.h"
#include "demos/RunComparisonTable.h"

#include <QHeaderView>
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
    m_table = new RunComparisonTable;
    m_table->setObjectName(QStringLiteral("surfacesTable"));
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_table);
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
    if (m_cancel)
        m_cancel->requestCancel();
    m_thread.quit();
    m_thread.wait();
}

void NormalizationDemoView::cancel()
{
    if (m_cancel)
        m_cancel->requestCancel();
    ++m_jobId;   // its answer, "cancelled", is dropped
}

void NormalizationDemoView::setNormalizedOnly(bool normalizedOnly, int resolution)
{
    m_normalizedOnly = normalizedOnly;
    m_resolution = resolution;
}

void NormalizationDemoView::setLesson(const QStringList& labels, const QStringList& runConfigs)
{
    cancel();   // the lesson it replaces stops within a training step or a point
    m_labels = labels;
    m_hasResult = false;
    buildMaps(static_cast<int>(runConfigs.size()));
    m_table->clearRuns();
    m_table->setVisible(m_normalizedOnly);
    fitTableHeight(static_cast<int>(runConfigs.size()));
    m_summary->setText(tr("Training the minima and evaluating their surfaces…"));
    NormalizationLessonRequest request;
    request.jobId = ++m_jobId;
    request.runConfigs = runConfigs;
    request.resolution = m_resolution;
    request.range = kRange;
    request.rawPlane = !m_normalizedOnly;
    request.curvature = m_normalizedOnly;
    m_cancel = request.cancel;
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
    layout.rawColumn = !m_normalizedOnly;
    layout.columns = 2;
    const RawNormalizedMaps maps = buildRawNormalizedMaps(m_plot, layout);
    m_scale = maps.scale;
    m_maps = maps.maps;
    applyTheme();
}

void NormalizationDemoView::fitTableHeight(int rows)
{
    // Every row shows, nothing to scroll: the table is as tall as its header and rows.
    const int height = m_table->horizontalHeader()->sizeHint().height()
                       + rows * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth();
    m_table->setFixedHeight(height);
}

QCPColorMap* NormalizationDemoView::colorMap(int row, bool normalized) const
{
    if (m_normalizedOnly && !normalized)
        return nullptr;
    const int index = m_normalizedOnly ? row : 2 * row + (normalized ? 1 : 0);
    return index >= 0 && index < m_maps.size() ? m_maps.at(index) : nullptr;
}

QString NormalizationDemoView::summaryText() const { return m_summary->text(); }

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
            if (loss.size() != size_t(nx) * size_t(ny))
                continue;
            map->data()->setSize(nx, ny);
            map->data()->setRange(QCPRange(minimum.xs.front(), minimum.xs.back()),
                                  QCPRange(minimum.ys.front(), minimum.ys.back()));
            for (int j = 0; j < ny; ++j)
                for (int i = 0; i < nx; ++i)
                    map->data()->setCell(i, j, loss[static_cast<size_t>(j * nx + i)]);
            widenToPositiveRange(loss, low, high);
            map->rescaleAxes();
        }
        const QString label = row < size_t(m_labels.size()) ? m_labels.at(int(row)) : tr("run %1").arg(row + 1);
        if (m_normalizedOnly) {
            m_table->addRun({label, minimum.iterations, minimum.trainLoss, minimum.testAccuracy, minimum.sharpness,
                             minimum.nonUniformity});
            double planeLow = std::numeric_limits<double>::infinity();
            double planeHigh = 0.0;
            widenToPositiveRange(minimum.normalizedLoss, planeLow, planeHigh);
            const size_t middle = size_t((ny / 2) * nx + nx / 2);
            const double centre = middle < minimum.normalizedLoss.size() ? minimum.normalizedLoss[middle]
                                                                         : std::numeric_limits<double>::quiet_NaN();
            lines << tr("<b>%1</b>: loss over the plane from %2 to %3 (at the minimum %4), mean %5.")
                         .arg(label)
                         .arg(planeLow, 0, 'g', 3)
                         .arg(planeHigh, 0, 'g', 3)
                         .arg(centre, 0, 'g', 3)
                         .arg(meanOverPlane(minimum.normalizedLoss), 0, 'g', 3);
            continue;
        }
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

}   // namespace minimascope::ui
