#include "panels/SetupPanel.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ResourceLibrary.h"
#include "io/StrictJson.h"
#include "panels/FormHistory.h"
#include "panels/OwnFilesChecker.h"
#include "panels/SetupFieldHelp.h"
#include "panels/SetupFields.h"
#include "train/RunConfig.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <QUndoStack>

#include <algorithm>
#include <limits>
#include <utility>

namespace minimascope::ui {

namespace {

const QString kInvalidStyle = QStringLiteral("border: 1px solid #d0342c;");
const QString kCheckingStyle = QStringLiteral("border: 1px dashed #808080;");
const QString kErrorTextStyle = QStringLiteral("color: #d0342c;");
const QString kCheckingTextStyle = QStringLiteral("color: #808080;");

// Keeps the changes made inside it to one undo step (SetupPanel::commit waits for depth 0).
class StepScope {
public:
    explicit StepScope(int& depth) : m_depth(depth) { ++m_depth; }
    ~StepScope() { --m_depth; }
    StepScope(const StepScope&) = delete;
    StepScope& operator=(const StepScope&) = delete;

private:
    int& m_depth;
};

QString formNumber(double value) { return QString::number(value, 'g', 10); }

// "1, 2,3" -> [1, 2, 3]; false for anything that is not a list of integers.
bool parseIntegers(const QString& text, std::vector<int64_t>& out)
{
    out.clear();
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong value = part.trimmed().toLongLong(&ok);
        if (!ok)
            return false;
        out.push_back(value);
    }
    return true;
}

QString joinIntegers(const std::vector<int64_t>& values)
{
    QStringList parts;
    for (int64_t v : values)
        parts << QString::number(v);
    return parts.join(QStringLiteral(", "));
}

}   // namespace

struct SetupPanel::Impl : SetupFields {
    QList<QWidget*> markedFields;   // styled and tooltipped with the message: the invalid or checked ones
    nlohmann::json base = nlohmann::json::object();   // the loaded config: keys the form does not show
    QString resolved;
    std::shared_ptr<const core::RunConfig> config;   // the valid config `resolved` writes; null while invalid
    QString error;
    bool filling = false;

    QUndoStack* undoStack = nullptr;
    FormSnapshot committed;   // the form as of the last command
    int stepDepth = 0;
    // Own files are loaded only when the data or model section changes (or a path is entered anew),
    // by the checker on its thread. The verdict on `checkedFiles` is kept; `pendingFiles` are being
    // checked as job `pendingJob` (0: none), and an answer to any other job is dropped.
    std::string checkedFiles;
    QString filesError;
    QString filesErrorKey;
    std::string pendingFiles;
    quint64 pendingJob = 0;
    quint64 lastJob = 0;
    bool checking = false;            // the form's own files are the pending ones
    QString uncheckedConfig;          // the form's config while they are: what the settings keep
    QThread* checkThread = nullptr;   // started with the first own files
    OwnFilesChecker* checker = nullptr;

    void forgetCheckedFiles()
    {
        checkedFiles.clear();
        pendingFiles.clear();
        pendingJob = 0;
    }
};

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent), m_impl(std::make_unique<Impl>())
{
    m_impl->undoStack = new QUndoStack(this);
    buildForm();
    const QStringList presets = presetNames();
    const QString initial = presets.contains(QStringLiteral("two-moons-quick")) ? QStringLiteral("two-moons-quick")
                            : presets.isEmpty()                                 ? QString()
                                                                                : presets.front();
    if (!initial.isEmpty())
        selectPreset(initial);
    else
        revalidate();
    resetHistory();
}

SetupPanel::~SetupPanel()
{
    // Closing the window takes the focus from a field, which then reports its edit finished:
    // nothing may reach the form once m_impl is gone.
    for (QWidget* field : m_impl->historyFields)
        field->disconnect(this);
    // Loading cannot be interrupted: this waits for the check that is running, if any (at most its
    // remaining time). No request queued behind it starts (quit() alone would still run those Qt
    // has already taken for delivery), and its answer, queued to this panel, goes with it.
    if (m_impl->checkThread) {
        m_impl->checker->supersede(std::numeric_limits<quint64>::max());
        m_impl->checkThread->quit();
        m_impl->checkThread->wait();
    }
}

void SetupPanel::buildForm()
{
    Impl& d = *m_impl;
    buildSetupFields(d, this);

    // The escape toy's data and model only exist together: switch the partner along, in the
    // same undo step as the data set (connected before the commit below).
    connect(d.dataset, &QComboBox::currentIndexChanged, this, [this] {
        Impl& p = *m_impl;
        if (p.filling)
            return;
        const StepScope step(p.stepDepth);
        if (p.datasetName() == QStringLiteral("escape-toy"))
            p.model->setCurrentText(QStringLiteral("escape-toy"));
        else if (p.model->currentText() == QStringLiteral("escape-toy"))
            p.model->setCurrentText(kCustomMlpEntry);
        // The classic XOR problem is its four patterns, all for training.
        if (p.datasetName() == QStringLiteral("xor-classic")) {
            p.n->setValue(4);
            p.testN->setValue(0);
        }
    });
    // Text and number fields commit when their editing is finished; a change made while they
    // have no focus (by a program, a test, an undo) is finished at once.
    for (QWidget* editor : d.editors) {
        const QString what = tr("Set %1").arg(d.labels.value(editor));
        const auto changed = [this, editor, what] {
            revalidate();
            if (!editor->hasFocus())
                commit(what);
        };
        if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
            connect(edit, &QLineEdit::textChanged, this, changed);
            connect(edit, &QLineEdit::editingFinished, this, [this, what] { commit(what); });
        } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            connect(spin, &QSpinBox::valueChanged, this, changed);
            connect(spin, &QSpinBox::editingFinished, this, [this, what] { commit(what); });
        } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            connect(combo, &QComboBox::currentIndexChanged, this, [this, what] {
                revalidate();
                commit(what);
            });
        } else if (auto* check = qobject_cast<QCheckBox*>(editor)) {
            connect(check, &QCheckBox::toggled, this, [this, what] {
                revalidate();
                commit(what);
            });
        }
    }
    // A path entered again is read again (the file may have been fixed meanwhile).
    for (QLineEdit* path : {d.dataPath, d.testPath, d.modelPath})
        connect(path, &QLineEdit::editingFinished, this, [this] {
            m_impl->forgetCheckedFiles();
            revalidate();
        });
    connect(d.dataBrowse, &QToolButton::clicked, this, &SetupPanel::browseData);
    connect(d.testBrowse, &QToolButton::clicked, this, &SetupPanel::browseTestCsv);
    connect(d.modelBrowse, &QToolButton::clicked, this, &SetupPanel::browseModel);
    // Choosing an own entry by hand asks for its file when there is none yet.
    connect(d.dataset, &QComboBox::activated, this, [this] {
        if (m_impl->datasetName() == kArraysName && m_impl->dataPath->text().trimmed().isEmpty())
            browseData();
    });
    connect(d.model, &QComboBox::activated, this, [this] {
        if (m_impl->model->currentText() == kTorchScriptEntry && m_impl->modelPath->text().trimmed().isEmpty())
            browseModel();
    });
    connect(d.preset, &QComboBox::textActivated, this, [this](const QString& name) { selectPreset(name); });
}

QStringList SetupPanel::presetNames() const
{
    QStringList names;
    for (int i = 0; i < m_impl->preset->count(); ++i)
        names << m_impl->preset->itemText(i);
    return names;
}

bool SetupPanel::selectPreset(const QString& name, QString* error)
{
    QString text;
    try {
        text = QString::fromStdString(core::readWholeFile(core::findResource("presets", name.toStdString())));
    } catch (const core::InputError& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    bool loaded = false;
    {
        const StepScope step(m_impl->stepDepth);
        loaded = applyConfig(text, name, error);
        if (loaded) {
            // About a hundred (a, s) measurements over the longest run the preset allows: enough for
            // the trajectory on the stability diagram (the escape toy: every 2 of its 200 steps).
            m_impl->curvatureEvery->setValue(
                static_cast<int>(std::max<qint64>(1, m_impl->maxIterations->value() / 100)));
        }
    }
    commit(tr("Load preset %1").arg(name));
    return loaded;
}

bool SetupPanel::loadConfig(const QString& json, QString* error) { return applyConfig(json, QString(), error); }

bool SetupPanel::applyConfig(const QString& json, const QString& preset, QString* error)
{
    try {
        // Strictly, like every config the core reads: a duplicate key is refused, not resolved.
        const core::RunConfig config = core::RunConfig::fromJson(core::parseStrictJson(json.toStdString(), "config"));
        {
            const StepScope step(m_impl->stepDepth);
            m_impl->base = config.toJson();
            m_impl->preset->setCurrentIndex(m_impl->preset->findText(preset));   // -1: the placeholder
            fillFields(config);
        }
        commit(tr("Load config"));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void SetupPanel::fillFields(const core::RunConfig& c)
{
    Impl& d = *m_impl;
    d.filling = true;
    d.dataset->setCurrentIndex(d.dataset->findData(QString::fromStdString(c.dataset.name)));
    const bool arrays = c.dataset.name == "arrays";
    d.dataPath->setText(arrays ? QString::fromStdString(c.dataset.path) : QString());
    d.labelColumn->setText(QString::fromStdString(c.dataset.labelColumn));
    d.testPath->setText(QString::fromStdString(c.dataset.testPath));
    d.numClasses->setValue(static_cast<int>(c.dataset.numClasses));
    d.n->setValue(static_cast<int>(c.dataset.n));
    d.testN->setValue(static_cast<int>(c.dataset.testN));
    d.classes->setText(joinIntegers(c.dataset.classes));
    d.noise->setText(formNumber(c.dataset.noise));
    d.seed->setValue(static_cast<int>(c.seed));
    d.modelPath->setText(QString::fromStdString(c.model.path));
    if (!c.modelPreset.empty())
        d.model->setCurrentText(QString::fromStdString(c.modelPreset));
    else if (c.model.kind == "torchscript")
        d.model->setCurrentText(kTorchScriptEntry);
    else if (c.model.kind == "escape-toy")
        d.model->setCurrentText(QStringLiteral("escape-toy"));
    else
        d.model->setCurrentText(kCustomMlpEntry);
    d.widths->setText(joinIntegers(c.model.widths));
    d.activation->setCurrentText(QString::fromStdString(core::toString(c.model.activation)));
    d.x0->setText(formNumber(c.model.initialPosition));
    const core::OptimizerSpec& o = c.optimizer;
    d.optimizer->setCurrentText(QString::fromStdString(o.name));
    d.lr->setText(formNumber(o.lr));
    d.batchSize->setValue(static_cast<int>(o.batchSize));
    d.sampling->setCurrentText(QString::fromUtf8(core::toString(o.sampling)));
    d.momentum->setText(formNumber(o.momentum));
    d.weightDecay->setText(formNumber(o.weightDecay));
    d.beta1->setText(formNumber(o.beta1));
    d.beta2->setText(formNumber(o.beta2));
    d.rho->setText(formNumber(o.rho));
    d.historySize->setValue(static_cast<int>(o.historySize));
    // A config without a switch clears the switch's fields to what a new form shows.
    const core::OptimizerSwitch& change = c.optimizerSwitch;
    const bool switches = change.at > 0;
    d.startOptimizer->setCurrentIndex(switches ? d.startOptimizer->findData(QString::fromStdString(change.from.name))
                                               : 0);
    d.startLr->setText(switches ? formNumber(change.from.lr) : QString());
    d.startBatchSize->setValue(static_cast<int>(switches ? change.from.batchSize : core::OptimizerSpec{}.batchSize));
    d.switchAt->setValue(static_cast<int>(std::max<int64_t>(change.at, d.switchAt->minimum())));
    d.lossBelow->setText(formNumber(c.stop.lossBelow));
    d.maxIterations->setValue(
        static_cast<int>(std::min<int64_t>(c.stop.maxIterations, std::numeric_limits<int>::max())));
    d.maxSeconds->setText(formNumber(c.stop.maxSeconds));
    d.gradientNorm->setChecked(c.schedule.gradientNorm);
    d.averageFrom->setValue(
        static_cast<int>(std::min<int64_t>(c.schedule.averageFrom, std::numeric_limits<int>::max())));
    d.filling = false;
    revalidate();
}

void SetupPanel::updateVisibility()
{
    Impl& d = *m_impl;
    const QString dataset = d.datasetName();
    const bool arrays = dataset == kArraysName;
    // The escape toy and the classic XOR problem are fixed examples: no noise, no test split.
    const bool fixedExamples = dataset == QStringLiteral("escape-toy") || dataset == QStringLiteral("xor-classic");
    const bool synthetic = dataset != QStringLiteral("fashion-mnist") && !fixedExamples && !arrays;
    const bool csv = arrays && d.dataPath->text().trimmed().endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive);
    d.dataForm->setRowVisible(d.dataPathRow, arrays);
    d.dataForm->setRowVisible(d.labelColumn, csv);
    d.dataForm->setRowVisible(d.testPathRow, csv);
    d.dataForm->setRowVisible(d.numClasses, arrays);
    d.dataForm->setRowVisible(d.classes, dataset == QStringLiteral("fashion-mnist") || arrays);
    d.dataForm->setRowVisible(d.noise, synthetic);
    d.dataForm->setRowVisible(d.testN, !fixedExamples);
    const QString model = d.model->currentText();
    d.modelForm->setRowVisible(d.modelPathRow, model == kTorchScriptEntry);
    d.modelForm->setRowVisible(d.widths, model == kCustomMlpEntry);
    d.modelForm->setRowVisible(d.activation, model == kCustomMlpEntry);
    d.modelForm->setRowVisible(d.x0, model == QStringLiteral("escape-toy"));
    const QString opt = d.optimizer->currentText();
    const bool fullBatch = opt == QStringLiteral("gd") || opt == QStringLiteral("lbfgs");
    d.optimizerForm->setRowVisible(d.batchSize, !fullBatch);
    d.optimizerForm->setRowVisible(d.sampling, !fullBatch);
    d.optimizerForm->setRowVisible(d.momentum, opt == QStringLiteral("sgd") || opt == QStringLiteral("gd")
                                                   || opt == QStringLiteral("sam"));
    const bool adamLike = opt == QStringLiteral("adam") || opt == QStringLiteral("adahessian");
    d.optimizerForm->setRowVisible(d.beta1, adamLike);
    d.optimizerForm->setRowVisible(d.beta2, adamLike);
    d.optimizerForm->setRowVisible(d.rho, opt == QStringLiteral("sam"));
    d.optimizerForm->setRowVisible(d.historySize, opt == QStringLiteral("lbfgs"));
    const QString start = d.startOptimizer->currentData().toString();
    const bool switches = !start.isEmpty();
    d.optimizerForm->setRowVisible(d.startLr, switches);
    d.optimizerForm->setRowVisible(d.startBatchSize,
                                   switches && start != QStringLiteral("gd") && start != QStringLiteral("lbfgs"));
    d.optimizerForm->setRowVisible(d.switchAt, switches);
}

void SetupPanel::revalidate()
{
    Impl& d = *m_impl;
    if (d.filling)
        return;
    updateVisibility();
    for (QWidget* field : std::as_const(d.markedFields)) {
        field->setStyleSheet({});
        field->setToolTip(setupFieldHelp(field->objectName()));
    }
    d.markedFields.clear();
    QString key;
    QString message;
    // Fields the core cannot name (text that is not a number at all) are checked here.
    const auto numberAt = [&](QLineEdit* edit, const char* jsonKey) -> nlohmann::json {
        bool ok = false;
        const double value = edit->text().trimmed().toDouble(&ok);
        if (!ok && message.isEmpty()) {
            key = QString::fromLatin1(jsonKey);
            message = tr("config key '%1': '%2' is not a number").arg(key, edit->text());
        }
        return value;
    };
    nlohmann::json j = d.base;
    j["seed"] = d.seed->value();
    nlohmann::json& data = j["dataset"];
    const QString datasetName = d.datasetName();
    if (datasetName == kArraysName) {
        data["path"] = d.dataPath->text().trimmed().toStdString();
        data["label_column"] = d.labelColumn->text().trimmed().toStdString();
        data["test_path"] = d.testPath->text().trimmed().toStdString();
        data["num_classes"] = d.numClasses->value();
    } else if (data.value("name", std::string()) != datasetName.toStdString()) {
        // Another data set than the loaded config's: its files are not this one's.
        for (const char* fileKey : {"path", "label_column", "test_path", "num_classes"})
            data.erase(fileKey);
    }
    data["name"] = datasetName.toStdString();
    data["n"] = d.n->value();
    data["test_n"] = d.testN->value();
    data["noise"] = numberAt(d.noise, "dataset.noise");
    std::vector<int64_t> list;
    if (!parseIntegers(d.classes->text(), list) && message.isEmpty()) {
        key = QStringLiteral("dataset.classes");
        message = tr("config key 'dataset.classes': give class numbers separated by commas");
    }
    data["classes"] = list;

    nlohmann::json model = nlohmann::json::object();
    const QString modelName = d.model->currentText();
    if (modelName == kTorchScriptEntry) {
        model["kind"] = "torchscript";
        model["path"] = d.modelPath->text().trimmed().toStdString();
    } else if (modelName == kCustomMlpEntry) {
        model["kind"] = "mlp";
        if (!parseIntegers(d.widths->text(), list) && message.isEmpty()) {
            key = QStringLiteral("model.widths");
            message = tr("config key 'model.widths': give the hidden widths separated by commas");
        }
        model["widths"] = list;
        model["activation"] = d.activation->currentText().toStdString();
    } else {
        // The form shows a preset by its name only: the loaded config's own options of that preset
        // (skip connections, BatchNorm, widths, blocks per stage, ...) stay as they were.
        const auto loaded = d.base.find("model");
        if (loaded != d.base.end() && loaded->is_object() && loaded->value("preset", "") == modelName.toStdString())
            model = *loaded;
        model["preset"] = modelName.toStdString();
        if (modelName == QStringLiteral("escape-toy"))
            model["x0"] = numberAt(d.x0, "model.x0");
    }
    j["model"] = model;

    nlohmann::json& opt = j["optimizer"];
    opt["name"] = d.optimizer->currentText().toStdString();
    opt["lr"] = numberAt(d.lr, "optimizer.lr");
    opt["batch_size"] = d.batchSize->value();
    opt["sampling"] = d.sampling->currentText().toStdString();
    opt["momentum"] = numberAt(d.momentum, "optimizer.momentum");
    opt["weight_decay"] = numberAt(d.weightDecay, "optimizer.weight_decay");
    opt["beta1"] = numberAt(d.beta1, "optimizer.beta1");
    opt["beta2"] = numberAt(d.beta2, "optimizer.beta2");
    opt["rho"] = numberAt(d.rho, "optimizer.rho");
    opt["history_size"] = d.historySize->value();
    const QString start = d.startOptimizer->currentData().toString();
    if (start.isEmpty()) {
        j.erase("switch");
    } else {
        // As with a model preset: the loaded config's other options of this start optimizer stay as
        // they were; another optimizer starts from its defaults.
        nlohmann::json from = nlohmann::json::object();
        const auto loaded = d.base.find("switch");
        if (loaded != d.base.end() && loaded->is_object()) {
            const auto loadedFrom = loaded->find("from");
            if (loadedFrom != loaded->end() && loadedFrom->is_object()
                && loadedFrom->value("name", "") == start.toStdString())
                from = *loadedFrom;
        }
        from["name"] = start.toStdString();
        if (d.startLr->text().trimmed().isEmpty())
            from.erase("lr");
        else
            from["lr"] = numberAt(d.startLr, "switch.from.lr");
        from["batch_size"] = d.startBatchSize->value();
        j["switch"] = {{"at", d.switchAt->value()}, {"from", from}};
    }
    nlohmann::json& stop = j["stop"];
    stop["loss_below"] = numberAt(d.lossBelow, "stop.loss_below");
    stop["max_iterations"] = d.maxIterations->value();
    stop["max_seconds"] = numberAt(d.maxSeconds, "stop.max_seconds");
    j["schedule"]["gradient_norm"] = d.gradientNorm->isChecked();
    // Off is no key at all, as the core writes it, so that a config without averaging reads as before.
    if (d.averageFrom->value() < 0)
        j["schedule"].erase("average_from");
    else
        j["schedule"]["average_from"] = d.averageFrom->value();

    d.resolved.clear();
    d.config.reset();
    d.checking = false;
    QList<QWidget*> checkedFields;
    if (message.isEmpty()) {
        try {
            const core::RunConfig config = core::RunConfig::fromJson(j);
            const nlohmann::json resolved = config.toJson();
            const bool ownData = config.dataset.name == "arrays";
            const bool ownModel = config.model.kind == "torchscript";
            if (ownData || ownModel) {
                const std::string files = resolved["dataset"].dump() + resolved["model"].dump()
                                          + std::to_string(config.seed);
                if (files == d.checkedFiles) {
                    message = d.filesError;
                    key = d.filesErrorKey;
                } else {
                    if (files != d.pendingFiles)
                        checkOwnFiles(files, config);
                    d.checking = true;
                    QStringList paths;
                    if (ownData) {
                        checkedFields << d.dataPath;
                        paths << QString::fromStdString(config.dataset.path);
                    }
                    if (ownModel) {
                        checkedFields << d.modelPath;
                        paths << QString::fromStdString(config.model.path);
                    }
                    message = tr("checking %1…").arg(paths.join(tr(" and ")));
                    d.uncheckedConfig = QString::fromStdString(resolved.dump(2));
                }
            }
            if (message.isEmpty()) {
                d.resolved = QString::fromStdString(resolved.dump(2));
                d.config = std::make_shared<const core::RunConfig>(config);
            }
        } catch (const core::InputError& e) {
            message = QString::fromStdString(e.what());
            key = QString::fromStdString(e.key());
        }
    }
    const bool valid = message.isEmpty();
    if (d.checking) {
        for (QWidget* field : std::as_const(checkedFields)) {
            field->setStyleSheet(kCheckingStyle);
            field->setToolTip(message);
            d.markedFields << field;
        }
    } else if (!valid) {
        if (QWidget* field = d.fieldForKey.value(key)) {
            field->setStyleSheet(kInvalidStyle);
            field->setToolTip(message);
            d.markedFields << field;
        }
    }
    const bool changed = message != d.error;
    d.error = message;
    d.message->setText(message);
    d.message->setStyleSheet(d.checking ? kCheckingTextStyle : kErrorTextStyle);
    d.message->setVisible(!valid);
    if (changed)
        Q_EMIT validityChanged(valid, message);
}

void SetupPanel::checkOwnFiles(const std::string& files, const core::RunConfig& config)
{
    Impl& d = *m_impl;
    if (!d.checker) {
        d.checkThread = new QThread(this);
        d.checkThread->setObjectName(QStringLiteral("minimascope-own-files"));
        d.checker = new OwnFilesChecker;
        d.checker->moveToThread(d.checkThread);
        connect(d.checkThread, &QThread::finished, d.checker, &QObject::deleteLater);
        connect(d.checker, &OwnFilesChecker::checked, this, &SetupPanel::onOwnFilesChecked, Qt::QueuedConnection);
        d.checkThread->start();
    }
    d.pendingFiles = files;
    d.pendingJob = ++d.lastJob;
    d.checker->supersede(d.pendingJob);
    QMetaObject::invokeMethod(
        d.checker, [checker = d.checker, job = d.pendingJob, config] { checker->check(job, config); },
        Qt::QueuedConnection);
}

void SetupPanel::onOwnFilesChecked(quint64 jobId, const QString& message, const QString& key)
{
    Impl& d = *m_impl;
    if (jobId != d.pendingJob)
        return;   // superseded by a later edit (or forgotten): its verdict is about other files
    d.checkedFiles = std::move(d.pendingFiles);
    d.pendingFiles.clear();
    d.pendingJob = 0;
    d.filesError = message;
    d.filesErrorKey = key;
    revalidate();
}

bool SetupPanel::isValid() const { return m_impl->error.isEmpty(); }

bool SetupPanel::isChecking() const { return m_impl->checking; }

QString SetupPanel::errorMessage() const { return m_impl->error; }

QString SetupPanel::configJson() const { return m_impl->resolved; }

TrainingRequest SetupPanel::request() const
{
    const Impl& d = *m_impl;
    TrainingRequest r;
    r.config = d.config;
    r.curvatureEvery = d.curvatureEvery->value();
    r.curvatureSubset = d.curvatureSubset->value();
    r.nonUniformity = d.nonUniformity->isChecked();
    r.curvatureSpectrum = d.curvatureSpectrum->isChecked();
    r.curvatureAtEnd = d.curvatureAtEnd->isChecked();
    return r;
}

void SetupPanel::setRunning(bool running)
{
    for (QWidget* editor : m_impl->editors)
        editor->setEnabled(!running);
    for (QToolButton* button : m_impl->browseButtons)
        button->setEnabled(!running);
    m_impl->preset->setEnabled(!running);
}

QUndoStack* SetupPanel::undoStack() const { return m_impl->undoStack; }

FormSnapshot SetupPanel::snapshot() const
{
    return {readFields(m_impl->historyFields), QString::fromStdString(m_impl->base.dump())};
}

void SetupPanel::applySnapshot(const FormSnapshot& state)
{
    Impl& d = *m_impl;
    d.filling = true;
    writeFields(d.historyFields, state.values);
    d.base = nlohmann::json::parse(state.extra.toStdString());
    d.filling = false;
    d.committed = state;
    revalidate();
}

void SetupPanel::commit(const QString& what)
{
    Impl& d = *m_impl;
    if (d.filling || d.stepDepth > 0)
        return;
    FormSnapshot now = snapshot();
    if (now == d.committed)
        return;
    d.undoStack->push(new FormEditCommand(
        d.committed, now, [this](const FormSnapshot& s) { applySnapshot(s); }, what));
    d.committed = std::move(now);
}

void SetupPanel::resetHistory()
{
    m_impl->undoStack->clear();
    m_impl->committed = snapshot();
}

void SetupPanel::setArraysPath(const QString& path)
{
    Impl& d = *m_impl;
    // The core reads a folder of .npy files: a picked X.npy stands for its folder.
    const QFileInfo picked(path);
    const QString chosen = QDir::toNativeSeparators(
        picked.suffix().compare(QStringLiteral("npy"), Qt::CaseInsensitive) == 0 ? picked.absolutePath() : path);
    {
        const StepScope step(d.stepDepth);
        d.forgetCheckedFiles();
        const bool unchanged = d.dataPath->text() == chosen && d.datasetName() == kArraysName;
        d.dataPath->setText(chosen);
        d.dataset->setCurrentIndex(d.dataset->findData(kArraysName));
        if (unchanged)
            revalidate();
    }
    commit(tr("Set %1").arg(d.labels.value(d.dataPath)));
}

void SetupPanel::setTorchScriptPath(const QString& path)
{
    Impl& d = *m_impl;
    const QString chosen = QDir::toNativeSeparators(path);
    {
        const StepScope step(d.stepDepth);
        d.forgetCheckedFiles();
        const bool unchanged = d.modelPath->text() == chosen && d.model->currentText() == kTorchScriptEntry;
        d.modelPath->setText(chosen);
        d.model->setCurrentText(kTorchScriptEntry);
        if (unchanged)
            revalidate();
    }
    commit(tr("Set %1").arg(d.labels.value(d.modelPath)));
}

void SetupPanel::browseData()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Own data: a .npz, a .csv, or the X.npy of a folder with X.npy and y.npy"), m_impl->dataPath->text(),
        tr("Arrays (*.npz *.npy *.csv);;All files (*)"));
    if (!path.isEmpty())
        setArraysPath(path);
}

void SetupPanel::browseTestCsv()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Held-out examples (a CSV with the same columns)"),
                                                      m_impl->testPath->text(), tr("CSV (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    m_impl->forgetCheckedFiles();
    m_impl->testPath->setText(QDir::toNativeSeparators(path));
}

void SetupPanel::browseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Own model: a TorchScript file"),
                                                      m_impl->modelPath->text(),
                                                      tr("TorchScript (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        setTorchScriptPath(path);
}

void SetupPanel::saveSettings(QSettings& settings) const
{
    const Impl& d = *m_impl;
    settings.setValue(QStringLiteral("setup/preset"), d.preset->currentText());
    settings.setValue(QStringLiteral("setup/config"), d.checking ? d.uncheckedConfig : d.resolved);
    settings.setValue(QStringLiteral("setup/curvatureEvery"), d.curvatureEvery->value());
    settings.setValue(QStringLiteral("setup/curvatureSubset"), d.curvatureSubset->value());
    settings.setValue(QStringLiteral("setup/nonUniformity"), d.nonUniformity->isChecked());
    settings.setValue(QStringLiteral("setup/curvatureSpectrum"), d.curvatureSpectrum->isChecked());
    settings.setValue(QStringLiteral("setup/curvatureAtEnd"), d.curvatureAtEnd->isChecked());
}

void SetupPanel::restoreSettings(const QSettings& settings)
{
    Impl& d = *m_impl;
    d.curvatureEvery->setValue(
        settings.value(QStringLiteral("setup/curvatureEvery"), d.curvatureEvery->value()).toInt());
    d.curvatureSubset->setValue(settings.value(QStringLiteral("setup/curvatureSubset"), 0).toInt());
    d.nonUniformity->setChecked(settings.value(QStringLiteral("setup/nonUniformity"), true).toBool());
    d.curvatureSpectrum->setChecked(settings.value(QStringLiteral("setup/curvatureSpectrum"), false).toBool());
    d.curvatureAtEnd->setChecked(settings.value(QStringLiteral("setup/curvatureAtEnd"), true).toBool());
    // The last config edited, if it still validates (a stale or hand-edited file is ignored), with
    // the preset it was shown beside.
    const QString preset = settings.value(QStringLiteral("setup/preset")).toString();
    const QString config = settings.value(QStringLiteral("setup/config")).toString();
    if (config.isEmpty() || !applyConfig(config, preset, nullptr))
        revalidate();
    resetHistory();
}

}   // namespace minimascope::ui
