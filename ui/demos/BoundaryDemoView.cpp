#include "demos/BoundaryDemoView.h"

#include "QCustomPlotInclude.h"

#include <QHBoxLayout>
#include <QVBoxLayout>

#include <algorithm>

namespace minimascope::ui {

namespace {

// Region colors are the theme's series colors made pale, so that the points (full color, dark
// outline) stand out on them.
constexpr int kRegionAlpha = 70;

}   // namespace

BoundaryDemoView::BoundaryDemoView(QWidget* parent) : QWidget(parent)
{
    qRegisterMetaType<BoundaryLessonRequest>();
    qRegisterMetaType<BoundaryFrame>();
    setObjectName(QStringLiteral("boundaryDemoView"));
    m_mapsRow = new QWidget;
    auto* row = new QHBoxLayout(m_mapsRow);
    row->setContentsMargins(0, 0, 0, 0);
    m_lossPlot = new QCustomPlot;
    m_lossPlot->setObjectName(QStringLiteral("boundaryLoss"));
    m_lossPlot->setMinimumHeight(140);
    m_lossPlot->xAxis->setLabel(tr("iteration"));
    m_lossPlot->yAxis->setLabel(tr("training loss"));
    m_lossPlot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_lossPlot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_lossPlot->legend->setVisible(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_mapsRow, 3);
    layout->addWidget(m_lossPlot, 2);

    m_worker = new BoundaryLessonWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &BoundaryDemoView::computeRequested, m_worker, &BoundaryLessonWorker::compute, Qt::QueuedConnection);
    connect(m_worker, &BoundaryLessonWorker::frame, this, &BoundaryDemoView::onFrame, Qt::QueuedConnection);
    connect(m_worker, &BoundaryLessonWorker::finished, this, &BoundaryDemoView::onFinished, Qt::QueuedConnection);
    m_thread.setObjectName(QStringLiteral("boundary lesson"));
    m_thread.start();
}

BoundaryDemoView::~BoundaryDemoView()
{
    m_worker->cancelToken().requestCancel();
    m_thread.quit();
    m_thread.wait();
}

void BoundaryDemoView::setLesson(const QStringList& labels, const QStringList& runConfigs)
{
    m_labels = labels;
    m_finished = false;
    qDeleteAll(m_mapPlots);
    m_mapPlots.clear();
    m_maps.clear();
    m_titles.clear();
    m_pointGraphs.clear();
    m_frames.clear();
    m_frameCounts.clear();
    m_lossPlot->clearGraphs();
    m_losses.clear();
    for (int run = 0; run < runConfigs.size(); ++run) {
        auto* plot = new QCustomPlot;
        plot->setMinimumSize(160, 160);
        plot->plotLayout()->insertRow(0);
        auto* title = new QCPTextElement(plot, run < labels.size() ? labels.at(run) : QString());
        plot->plotLayout()->addElement(0, 0, title);
        m_titles << title;
        plot->xAxis->setLabel(QStringLiteral("x₁"));
        plot->yAxis->setLabel(QStringLiteral("x₂"));
        auto* map = new QCPColorMap(plot->xAxis, plot->yAxis);
        map->setInterpolate(false);
        m_maps << map;
        m_pointGraphs << QList<QCPGraph*>();
        m_mapPlots << plot;
        m_mapsRow->layout()->addWidget(plot);
        QCPGraph* loss = m_lossPlot->addGraph();
        loss->setName(run < labels.size() ? labels.at(run) : tr("run %1").arg(run + 1));
        m_losses << loss;
        m_frames << BoundaryFrame();
        m_frameCounts << 0;
    }
    applyTheme();
    BoundaryLessonRequest request;
    request.jobId = ++m_jobId;
    request.runConfigs = runConfigs;
    request.gridPoints = kGridPoints;
    request.every = kEvery;
    Q_EMIT computeRequested(request);
}

void BoundaryDemoView::onFrame(const BoundaryFrame& frame)
{
    if (frame.jobId != m_jobId || frame.run < 0 || frame.run >= m_maps.size())
        return;   // an answer to a request since replaced
    const int run = frame.run;
    BoundaryFrame& kept = m_frames[run];
    const bool firstFrame = !frame.pointX.empty();
    if (firstFrame) {
        kept = frame;
        // One scatter per class, in the class's color.
        QCustomPlot* plot = m_mapPlots.at(run);
        for (int c = 0; c < frame.classes; ++c) {
            QCPGraph* graph = plot->addGraph();
            graph->setLineStyle(QCPGraph::lsNone);
            graph->setScatterStyle(
                QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 0.6), QBrush(m_theme.seriesColor(c)), 5));
            QVector<double> x, y;
            for (size_t k = 0; k < frame.pointX.size(); ++k)
                if (frame.pointLabel[k] == c) {
                    x << frame.pointX[k];
                    y << frame.pointY[k];
                }
            graph->setData(x, y, true);
            m_pointGraphs[run] << graph;
        }
        QCPColorGradient regions;
        regions.clearColorStops();
        regions.setLevelCount(std::max(2, frame.classes));
        for (int c = 0; c < frame.classes; ++c) {
            QColor color = m_theme.seriesColor(c);
            color.setAlpha(kRegionAlpha);
            regions.setColorStopAt(frame.classes > 1 ? double(c) / (frame.classes - 1) : 0.0, color);
        }
        m_maps.at(run)->setGradient(regions);
        m_maps.at(run)->setDataRange(QCPRange(0.0, std::max(1, frame.classes - 1)));
    } else {
        kept.iteration = frame.iteration;
        kept.trainLoss = frame.trainLoss;
        kept.gridClass = frame.gridClass;
        kept.predicted = frame.predicted;
    }
    ++m_frameCounts[run];
    const int nx = static_cast<int>(frame.xs.size());
    const int ny = static_cast<int>(frame.ys.size());
    QCPColorMap* map = m_maps.at(run);
    if (nx >= 2 && ny >= 2 && frame.gridClass.size() == size_t(nx) * size_t(ny)) {
        map->data()->setSize(nx, ny);
        map->data()->setRange(QCPRange(frame.xs.front(), frame.xs.back()), QCPRange(frame.ys.front(), frame.ys.back()));
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i)
                map->data()->setCell(i, j, double(frame.gridClass[size_t(j * nx + i)]));
        if (firstFrame)
            map->rescaleAxes();
    }
    m_titles.at(run)->setText(
        tr("%1\niteration %2").arg(run < m_labels.size() ? m_labels.at(run) : QString()).arg(frame.iteration));
    m_mapPlots.at(run)->replot(QCustomPlot::rpQueuedReplot);
    if (frame.trainLoss > 0.0) {
        m_losses.at(run)->addData(double(frame.iteration), frame.trainLoss);
        m_lossPlot->rescaleAxes();
        m_lossPlot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void BoundaryDemoView::onFinished(quint64 jobId, const QString& error)
{
    if (jobId != m_jobId)
        return;
    m_finished = error.isEmpty();
    Q_EMIT lessonReady(error);
}

void BoundaryDemoView::setTheme(const PlotTheme& theme)
{
    m_theme = theme;
    applyTheme();
}

void BoundaryDemoView::applyTheme()
{
    QList<QCustomPlot*> plots = m_mapPlots;
    plots << m_lossPlot;
    for (QCustomPlot* plot : plots) {
        plot->setBackground(m_theme.background);
        applyThemeToAxes(plot->axisRect()->axes(), m_theme);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    for (int run = 0; run < m_losses.size(); ++run)
        m_losses.at(run)->setPen(QPen(m_theme.seriesColor(run), 1.6));
}

}   // namespace minimascope::ui
