#include "study/StudyPlots.h"

#include "PlotTheme.h"
#include "study/QuantityAxisPlot.h"
#include "study/RunCurvesPlot.h"
#include "study/StudyDiagram.h"
#include "study/StudyTableModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>

#include <QSignalBlocker>

#include <algorithm>
#include <cmath>

namespace minimascope::ui {
namespace {

// A pane: a row of controls (may be empty) above a plot.
QWidget* makePane(QWidget* parent, PlotPanel* plot, const QList<QWidget*>& controls)
{
    auto* pane = new QWidget(parent);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    if (!controls.isEmpty()) {
        auto* row = new QHBoxLayout;
        row->setContentsMargins(4, 0, 4, 0);
        for (QWidget* w : controls)
            row->addWidget(w);
        row->addStretch(1);
        layout->addLayout(row);
    }
    plot->setParent(pane);
    layout->addWidget(plot, 1);
    return pane;
}

// How the run's batches were drawn, from its resolved config (optimizer.sampling).
core::BatchDraw batchDrawOf(const core::StudyRunRecord& run)
{
    const QJsonObject config = QJsonDocument::fromJson(QByteArray::fromStdString(run.configJson)).object();
    const QString sampling =
        config.value(QStringLiteral("optimizer")).toObject().value(QStringLiteral("sampling")).toString();
    return sampling == QStringLiteral("replacement") ? core::BatchDraw::WithReplacement
                                                     : core::BatchDraw::WithoutReplacement;
}

bool hasEnded(const core::StudyRunRecord& run)
{
    return run.state == core::StudyRunState::Done || run.state == core::StudyRunState::Failed
           || run.state == core::StudyRunState::Diverged;
}

}   // namespace

StudyPlots::StudyPlots(QWidget* parent) : QObject(parent)
{
    m_diagram = new StudyDiagram(parent);
    m_colorBy = new QComboBox(parent);
    m_colorBy->setObjectName(QStringLiteral("colorByBox"));
    m_colorBy->addItem(tr("Color by η"), int(StudyDiagram::Grouping::LearningRate));
    m_colorBy->addItem(tr("Color by B"), int(StudyDiagram::Grouping::BatchSize));
    m_colorBy->addItem(tr("Color by optimizer"), int(StudyDiagram::Grouping::Optimizer));
    m_logDiagram = new QCheckBox(tr("Log axes"), parent);
    m_logDiagram->setObjectName(QStringLiteral("logDiagramBox"));
    m_logDiagram->setToolTip(tr("Log a and s axes; on by default when the runs' a or s span a factor of %1 or more")
                                 .arg(StudyDiagram::kLogAxisSpan));
    m_diagramPane = makePane(parent, m_diagram, {m_colorBy, m_logDiagram});

    m_quantity = new QuantityAxisPlot(parent);
    m_y = new QComboBox(parent);
    m_y->setObjectName(QStringLiteral("quantityYBox"));
    for (QuantityAxisPlot::Measure m : {QuantityAxisPlot::Measure::Sharpness, QuantityAxisPlot::Measure::NonUniformity,
                                        QuantityAxisPlot::Measure::TestAccuracy, QuantityAxisPlot::Measure::TrainLoss})
        m_y->addItem(QuantityAxisPlot::measureName(m), int(m));
    m_x = new QComboBox(parent);
    m_x->setObjectName(QStringLiteral("quantityXBox"));
    auto* against = new QLabel(tr("against"), parent);
    m_quantityPane = makePane(parent, m_quantity, {m_y, against, m_x});
    fillXChoices({});

    m_loss = new RunCurvesPlot(RunCurvesPlot::Quantity::TrainLoss, parent);
    m_logLoss = new QCheckBox(tr("Log scale"), parent);
    m_logLoss->setObjectName(QStringLiteral("logLossBox"));
    m_lossPane = makePane(parent, m_loss, {m_logLoss});
    m_sharpness = new RunCurvesPlot(RunCurvesPlot::Quantity::Sharpness, parent);
    m_sharpnessPane = makePane(parent, m_sharpness, {});

    connect(m_colorBy, &QComboBox::currentIndexChanged, this,
            [this] { m_diagram->setGrouping(StudyDiagram::Grouping(m_colorBy->currentData().toInt())); });
    connect(m_x, &QComboBox::currentIndexChanged, this, &StudyPlots::updateQuantity);
    connect(m_y, &QComboBox::currentIndexChanged, this, &StudyPlots::updateQuantity);
    connect(m_logLoss, &QCheckBox::toggled, m_loss, &RunCurvesPlot::setLogScale);
    connect(m_logDiagram, &QCheckBox::toggled, m_diagram, &StudyDiagram::setLogAxes);
    // Only a click is the user's choice; the default follows the runs until then.
    connect(m_logDiagram, &QCheckBox::clicked, this, [this] { m_logDiagramChosen = true; });
    connect(m_diagram, &StudyDiagram::runClicked, this, &StudyPlots::runClicked);
    connect(m_quantity, &QuantityAxisPlot::runClicked, this, &StudyPlots::runClicked);
}

QList<QPair<QString, PlotPanel*>> StudyPlots::panels() const
{
    return {{tr("Stability diagram"), m_diagram},
            {tr("Quantity against setting"), m_quantity},
            {tr("Loss curves"), m_loss},
            {tr("Sharpness curves"), m_sharpness}};
}

void StudyPlots::setTheme(const PlotTheme& theme)
{
    for (const auto& entry : panels())
        entry.second->setTheme(theme);
}

bool StudyPlots::fillXChoices(const QStringList& axisKeys)
{
    // Kept as it is while the axes stay the same (the study fills in): the user's choice stays.
    if (m_x->count() > 0 && axisKeys == m_axisKeys)
        return false;
    const QString previous = m_x->currentData().toString();
    const QSignalBlocker block(m_x);
    m_x->clear();
    for (const QString& key : axisKeys)
        m_x->addItem(key, QStringLiteral("axis:") + key);
    m_x->addItem(QStringLiteral("η"), QStringLiteral("eta"));
    m_x->addItem(QStringLiteral("B"), QStringLiteral("batch"));
    m_x->addItem(QuantityAxisPlot::measureName(QuantityAxisPlot::Measure::Sharpness), QStringLiteral("measure:a"));
    m_x->addItem(QuantityAxisPlot::measureName(QuantityAxisPlot::Measure::NonUniformity), QStringLiteral("measure:s"));
    const int keep = m_x->findData(previous);
    m_x->setCurrentIndex(keep >= 0 ? keep : 0);
    return true;
}

void StudyPlots::setRuns(const std::vector<core::StudyRunRecord>& runs, const QString& studyDir,
                         const QStringList& axisKeys)
{
    if (studyDir != m_dir)
        m_finishedCurves.clear();
    m_runs = runs;
    m_dir = studyDir;
    m_selection.erase(std::remove_if(m_selection.begin(), m_selection.end(),
                                     [this](int i) { return i < 0 || i >= int(m_runs.size()); }),
                      m_selection.end());
    const bool newChoices = fillXChoices(axisKeys);
    m_axisKeys = axisKeys;
    m_diagram->setRuns(m_runs);
    m_diagram->setHighlighted(m_selection);
    if (!m_logDiagramChosen)
        m_logDiagram->setChecked(StudyDiagram::suggestsLogAxes(m_runs));
    m_quantity->setRuns(m_runs);
    if (newChoices)
        updateQuantity();
    updateBounds();
    updateCurves();
}

void StudyPlots::setSelection(const std::vector<int>& runs)
{
    m_selection.clear();
    for (int i : runs)
        if (i >= 0 && i < int(m_runs.size()))
            m_selection.push_back(i);
    m_diagram->setHighlighted(m_selection);
    m_quantity->setHighlighted(m_selection);
    updateBounds();
    updateCurves();
}

void StudyPlots::updateQuantity()
{
    QuantityAxisPlot::XChoice x;
    const QString choice = m_x->currentData().toString();
    if (choice.startsWith(QStringLiteral("axis:"))) {
        x.kind = QuantityAxisPlot::XChoice::Kind::Axis;
        x.axis = choice.mid(5);
    } else if (choice == QStringLiteral("batch")) {
        x.kind = QuantityAxisPlot::XChoice::Kind::BatchSize;
    } else if (choice.startsWith(QStringLiteral("measure:"))) {
        x.kind = QuantityAxisPlot::XChoice::Kind::Measure;
        x.measure = choice.endsWith(QLatin1Char('s')) ? QuantityAxisPlot::Measure::NonUniformity
                                                      : QuantityAxisPlot::Measure::Sharpness;
    } else {
        x.kind = QuantityAxisPlot::XChoice::Kind::Eta;
    }
    m_quantity->setChoice(x, QuantityAxisPlot::Measure(m_y->currentData().toInt()));
}

void StudyPlots::updateBounds()
{
    // The first selected run that has its n, else the first drawn run.
    const core::StudyRunRecord* shown = nullptr;
    for (int i : m_selection) {
        const core::StudyRunRecord& run = m_runs[size_t(i)];
        if (run.examples > 0 && run.batchSize > 0 && run.eta > 0.0) {
            shown = &run;
            break;
        }
    }
    for (size_t i = 0; !shown && i < m_runs.size(); ++i)
        if (StudyDiagram::isPlotted(m_runs[i]) && m_runs[i].examples > 0)
            shown = &m_runs[i];
    if (shown)
        m_diagram->setBounds(shown->eta, shown->batchSize, shown->examples, batchDrawOf(*shown));
    else
        m_diagram->setBounds(0.0, 0, 0);
}

void StudyPlots::updateCurves()
{
    QList<RunCurvesPlot::Curve> losses, sharpness;
    for (int i : m_selection) {
        if (losses.size() >= kMaxCurves)
            break;
        const core::StudyRunRecord& run = m_runs[size_t(i)];
        if (run.folder.empty())
            continue;   // never started: nothing to read
        const QString folder = QDir(m_dir).filePath(QString::fromStdString(run.folder));
        RunCurveData data;
        const auto cached = m_finishedCurves.constFind(folder);
        if (cached != m_finishedCurves.constEnd()) {
            data = *cached;
        } else {
            data = readRunCurves(folder);
            if (hasEnded(run) && data.error.isEmpty())
                m_finishedCurves.insert(folder, data);
        }
        const QString label = QStringLiteral("#%1 η=%2 B=%3")
                                  .arg(run.ordinal + 1)
                                  .arg(StudyTableModel::formatNumber(run.eta))
                                  .arg(run.batchSize);
        losses << RunCurvesPlot::Curve{label, data.lossIterations, data.trainLoss, run.eta};
        RunCurvesPlot::Curve a{label, data.sharpnessIterations, data.sharpness, run.eta};
        // Measured only at its end (the study's own measurement): that one point.
        if (a.values.isEmpty() && run.state == core::StudyRunState::Done && std::isfinite(run.sharpness)) {
            a.iterations << double(run.iterations);
            a.values << run.sharpness;
        }
        sharpness << a;
    }
    m_loss->setCurves(losses);
    m_sharpness->setCurves(sharpness);
}

}   // namespace minimascope::ui
