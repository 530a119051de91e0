#include "panels/SetupPanel.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/ResourceLibrary.h"
#include "models/ModelSpec.h"
#include "train/RunConfig.h"

#include <nlohmann/json.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace minimascope::ui {

namespace {

const QString kCustomMlp = QStringLiteral("custom MLP");
const QString kInvalidStyle = QStringLiteral("border: 1px solid #d0342c;");

QStringList presetNamesFound()
{
    QStringList names;
    for (const std::string& name : core::listResources("presets"))
        names << QString::fromStdString(name);
    return names;
}

// A number field: text, so that out-of-range values reach the core and get its message.
QLineEdit* numberField(const QString& objectName)
{
    auto* edit = new QLineEdit;
    edit->setObjectName(objectName);
    return edit;
}

QSpinBox* integerField(const QString& objectName, int min, int max)
{
    auto* spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(min, max);
    spin->setAccelerated(true);
    return spin;
}

QComboBox* choiceField(const QString& objectName, const QStringList& items)
{
    auto* combo = new QComboBox;
    combo->setObjectName(objectName);
    combo->addItems(items);
    return combo;
}

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

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

} // namespace

struct SetupPanel::Impl {
    QComboBox* preset = nullptr;
    QComboBox* dataset = nullptr;
    QSpinBox* n = nullptr;
    QSpinBox* testN = nullptr;
    QLineEdit* classes = nullptr;
    QLineEdit* noise = nullptr;
    QSpinBox* seed = nullptr;
    QComboBox* model = nullptr;
    QLineEdit* widths = nullptr;
    QComboBox* activation = nullptr;
    QLineEdit* x0 = nullptr;
    QComboBox* optimizer = nullptr;
    QLineEdit* lr = nullptr;
    QSpinBox* batchSize = nullptr;
    QComboBox* sampling = nullptr;
    QLineEdit* momentum = nullptr;
    QLineEdit* weightDecay = nullptr;
    QLineEdit* beta1 = nullptr;
    QLineEdit* beta2 = nullptr;
    QLineEdit* rho = nullptr;
    QSpinBox* historySize = nullptr;
    QLineEdit* lossBelow = nullptr;
    QSpinBox* maxIterations = nullptr;
    QLineEdit* maxSeconds = nullptr;
    QSpinBox* curvatureEvery = nullptr;
    QSpinBox* curvatureSubset = nullptr;
    QCheckBox* nonUniformity = nullptr;
    QCheckBox* curvatureAtEnd = nullptr;
    QLabel* message = nullptr;
    QFormLayout* dataForm = nullptr;
    QFormLayout* modelForm = nullptr;
    QFormLayout* optimizerForm = nullptr;

    QHash<QString, QWidget*> fieldForKey;  // "optimizer.lr" -> its editor
    QList<QWidget*> editors;
    QWidget* invalidField = nullptr;
    nlohmann::json base = nlohmann::json::object();  // the loaded config: keys the form does not show
    QString resolved;
    QString error;
    bool filling = false;
};

SetupPanel::SetupPanel(QWidget* parent) : QWidget(parent), m_impl(std::make_unique<Impl>())
{
    buildForm();
    const QStringList presets = presetNames();
    const QString initial = presets.contains(QStringLiteral("two-moons-quick")) ? QStringLiteral("two-moons-quick")
                            : presets.isEmpty()                                ? QString()
                                                                                : presets.front();
    if (!initial.isEmpty())
        selectPreset(initial);
    else
        revalidate();
}

SetupPanel::~SetupPanel() = default;

void SetupPanel::buildForm()
{
    Impl& d = *m_impl;
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    const auto group = [column](const QString& title) {
        auto* box = new QGroupBox(title);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        column->addWidget(box);
        return form;
    };
    constexpr int kMaxInt = std::numeric_limits<int>::max();

    QFormLayout* presetForm = group(tr("Preset"));
    d.preset = choiceField(QStringLiteral("preset"), presetNamesFound());
    d.preset->setToolTip(tr("Shipped run configurations (resources/presets)"));
    presetForm->addRow(tr("Preset"), d.preset);

    d.dataForm = group(tr("Data"));
    d.dataset = choiceField(QStringLiteral("dataset"), {QStringLiteral("fashion-mnist"), QStringLiteral("two-moons"),
                                                        QStringLiteral("spirals"), QStringLiteral("xor"),
                                                        QStringLiteral("blobs"), QStringLiteral("teacher-student"),
                                                        QStringLiteral("escape-toy")});
    d.n = integerField(QStringLiteral("n"), 1, kMaxInt);
    d.testN = integerField(QStringLiteral("testN"), 0, kMaxInt);
    d.classes = new QLineEdit;
    d.classes->setObjectName(QStringLiteral("classes"));
    d.classes->setPlaceholderText(tr("all, or e.g. 0, 1"));
    d.noise = numberField(QStringLiteral("noise"));
    d.seed = integerField(QStringLiteral("seed"), 0, kMaxInt);
    d.dataForm->addRow(tr("Data set"), d.dataset);
    d.dataForm->addRow(tr("Training examples n"), d.n);
    d.dataForm->addRow(tr("Test examples"), d.testN);
    d.dataForm->addRow(tr("Classes"), d.classes);
    d.dataForm->addRow(tr("Noise"), d.noise);
    d.dataForm->addRow(tr("Seed"), d.seed);

    d.modelForm = group(tr("Model"));
    QStringList models{kCustomMlp};
    for (const std::string& name : core::modelPresetNames())
        models << QString::fromStdString(name);
    d.model = choiceField(QStringLiteral("model"), models);
    d.widths = new QLineEdit;
    d.widths->setObjectName(QStringLiteral("widths"));
    d.widths->setPlaceholderText(tr("hidden widths, e.g. 256, 256"));
    d.activation = choiceField(QStringLiteral("activation"),
                               {QStringLiteral("relu"), QStringLiteral("tanh"), QStringLiteral("gelu")});
    d.x0 = numberField(QStringLiteral("x0"));
    d.modelForm->addRow(tr("Model"), d.model);
    d.modelForm->addRow(tr("Hidden widths"), d.widths);
    d.modelForm->addRow(tr("Activation"), d.activation);
    d.modelForm->addRow(tr("Start x₀"), d.x0);

    d.optimizerForm = group(tr("Optimizer"));
    d.optimizer = choiceField(QStringLiteral("optimizer"), {QStringLiteral("gd"), QStringLiteral("sgd"),
                                                            QStringLiteral("adagrad"), QStringLiteral("adam"),
                                                            QStringLiteral("lbfgs"), QStringLiteral("sam"),
                                                            QStringLiteral("adahessian")});
    d.lr = numberField(QStringLiteral("lr"));
    d.batchSize = integerField(QStringLiteral("batchSize"), 1, kMaxInt);
    d.sampling = choiceField(QStringLiteral("sampling"),
                             {QStringLiteral("shuffle"), QStringLiteral("subset"), QStringLiteral("replacement")});
    d.sampling->setToolTip(tr("shuffle: once per epoch (everyday practice; the stability diagram bounds it as "
                              "B-subsets); subset: a fresh uniform B-subset every step (the sampling of the "
                              "stability theorem, s ≤ √(B(n−1)/(n−B))/η); replacement: B indices drawn "
                              "independently (s ≤ √B/η)"));
    d.momentum = numberField(QStringLiteral("momentum"));
    d.weightDecay = numberField(QStringLiteral("weightDecay"));
    d.beta1 = numberField(QStringLiteral("beta1"));
    d.beta2 = numberField(QStringLiteral("beta2"));
    d.rho = numberField(QStringLiteral("rho"));
    d.historySize = integerField(QStringLiteral("historySize"), 1, 1000);
    d.optimizerForm->addRow(tr("Optimizer"), d.optimizer);
    d.optimizerForm->addRow(tr("Learning rate η"), d.lr);
    d.optimizerForm->addRow(tr("Batch size B"), d.batchSize);
    d.optimizerForm->addRow(tr("Sampling"), d.sampling);
    d.optimizerForm->addRow(tr("Momentum"), d.momentum);
    d.optimizerForm->addRow(tr("Weight decay"), d.weightDecay);
    d.optimizerForm->addRow(tr("β₁"), d.beta1);
    d.optimizerForm->addRow(tr("β₂"), d.beta2);
    d.optimizerForm->addRow(tr("SAM radius ρ"), d.rho);
    d.optimizerForm->addRow(tr("L-BFGS history"), d.historySize);

    QFormLayout* stopForm = group(tr("Stop when"));
    d.lossBelow = numberField(QStringLiteral("lossBelow"));
    d.maxIterations = integerField(QStringLiteral("maxIterations"), 0, kMaxInt);
    d.maxSeconds = numberField(QStringLiteral("maxSeconds"));
    d.maxSeconds->setToolTip(tr("0 = no time limit"));
    stopForm->addRow(tr("Training loss below"), d.lossBelow);
    stopForm->addRow(tr("Iterations reach"), d.maxIterations);
    stopForm->addRow(tr("Seconds reach"), d.maxSeconds);

    QFormLayout* analysisForm = group(tr("Curvature (a, s)"));
    d.curvatureEvery = integerField(QStringLiteral("curvatureEvery"), 0, kMaxInt);
    d.curvatureEvery->setValue(50);
    d.curvatureEvery->setSpecialValueText(tr("only at the end"));
    d.curvatureSubset = integerField(QStringLiteral("curvatureSubset"), 0, kMaxInt);
    d.curvatureSubset->setSpecialValueText(tr("all training examples"));
    d.nonUniformity = new QCheckBox(tr("non-uniformity s too"));
    d.nonUniformity->setObjectName(QStringLiteral("nonUniformity"));
    d.nonUniformity->setChecked(true);
    d.curvatureAtEnd = new QCheckBox(tr("measure at the end of the run"));
    d.curvatureAtEnd->setObjectName(QStringLiteral("curvatureAtEnd"));
    d.curvatureAtEnd->setChecked(true);
    analysisForm->addRow(tr("Measure every k iterations"), d.curvatureEvery);
    analysisForm->addRow(tr("On the first N examples"), d.curvatureSubset);
    analysisForm->addRow(d.nonUniformity);
    analysisForm->addRow(d.curvatureAtEnd);

    d.message = new QLabel;
    d.message->setObjectName(QStringLiteral("setupMessage"));
    d.message->setWordWrap(true);
    d.message->setStyleSheet(QStringLiteral("color: #d0342c;"));
    d.message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(d.message);
    column->addStretch(1);

    d.fieldForKey = {{QStringLiteral("dataset.name"), d.dataset},    {QStringLiteral("dataset.n"), d.n},
                     {QStringLiteral("dataset.test_n"), d.testN},    {QStringLiteral("dataset.classes"), d.classes},
                     {QStringLiteral("dataset.noise"), d.noise},     {QStringLiteral("seed"), d.seed},
                     {QStringLiteral("model.preset"), d.model},      {QStringLiteral("model.kind"), d.model},
                     {QStringLiteral("model.widths"), d.widths},     {QStringLiteral("model.activation"), d.activation},
                     {QStringLiteral("model.x0"), d.x0},             {QStringLiteral("optimizer.name"), d.optimizer},
                     {QStringLiteral("optimizer.lr"), d.lr},         {QStringLiteral("optimizer.batch_size"), d.batchSize},
                     {QStringLiteral("optimizer.sampling"), d.sampling},
                     {QStringLiteral("optimizer.momentum"), d.momentum},
                     {QStringLiteral("optimizer.weight_decay"), d.weightDecay},
                     {QStringLiteral("optimizer.beta1"), d.beta1},   {QStringLiteral("optimizer.beta2"), d.beta2},
                     {QStringLiteral("optimizer.rho"), d.rho},
                     {QStringLiteral("optimizer.history_size"), d.historySize},
                     {QStringLiteral("stop.loss_below"), d.lossBelow},
                     {QStringLiteral("stop.max_iterations"), d.maxIterations},
                     {QStringLiteral("stop.max_seconds"), d.maxSeconds}};
    d.editors = {d.dataset, d.n, d.testN, d.classes, d.noise, d.seed, d.model, d.widths, d.activation, d.x0,
                 d.optimizer, d.lr, d.batchSize, d.sampling, d.momentum, d.weightDecay, d.beta1, d.beta2, d.rho,
                 d.historySize, d.lossBelow, d.maxIterations, d.maxSeconds, d.curvatureEvery, d.curvatureSubset,
                 d.nonUniformity, d.curvatureAtEnd};

    for (QWidget* editor : d.editors) {
        if (auto* edit = qobject_cast<QLineEdit*>(editor))
            connect(edit, &QLineEdit::textChanged, this, &SetupPanel::revalidate);
        else if (auto* spin = qobject_cast<QSpinBox*>(editor))
            connect(spin, &QSpinBox::valueChanged, this, &SetupPanel::revalidate);
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            connect(combo, &QComboBox::currentIndexChanged, this, &SetupPanel::revalidate);
        else if (auto* check = qobject_cast<QCheckBox*>(editor))
            connect(check, &QCheckBox::toggled, this, &SetupPanel::revalidate);
    }
    // The escape toy's data and model only exist together: switch the partner along.
    connect(d.dataset, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        Impl& p = *m_impl;
        if (p.filling)
            return;
        if (name == QStringLiteral("escape-toy"))
            p.model->setCurrentText(QStringLiteral("escape-toy"));
        else if (p.model->currentText() == QStringLiteral("escape-toy"))
            p.model->setCurrentText(kCustomMlp);
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
    m_impl->preset->setCurrentText(name);
    if (!loadConfig(text, error))
        return false;
    // About a hundred (a, s) measurements over the longest run the preset allows: enough for
    // the trajectory on the stability diagram (the escape toy: every 2 of its 200 steps).
    m_impl->curvatureEvery->setValue(static_cast<int>(std::max<qint64>(1, m_impl->maxIterations->value() / 100)));
    return true;
}

bool SetupPanel::loadConfig(const QString& json, QString* error)
{
    try {
        nlohmann::json document = nlohmann::json::parse(json.toStdString());
        const core::RunConfig config = core::RunConfig::fromJson(document);
        m_impl->base = config.toJson();
        fillFields(QString::fromStdString(m_impl->base.dump()));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void SetupPanel::fillFields(const QString& resolvedJson)
{
    Impl& d = *m_impl;
    const core::RunConfig c = core::RunConfig::fromJson(nlohmann::json::parse(resolvedJson.toStdString()));
    d.filling = true;
    d.dataset->setCurrentText(QString::fromStdString(c.dataset.name));
    d.n->setValue(static_cast<int>(c.dataset.n));
    d.testN->setValue(static_cast<int>(c.dataset.testN));
    d.classes->setText(joinIntegers(c.dataset.classes));
    d.noise->setText(number(c.dataset.noise));
    d.seed->setValue(static_cast<int>(c.seed));
    if (!c.modelPreset.empty())
        d.model->setCurrentText(QString::fromStdString(c.modelPreset));
    else if (c.model.kind == "escape-toy")
        d.model->setCurrentText(QStringLiteral("escape-toy"));
    else
        d.model->setCurrentText(kCustomMlp);
    d.widths->setText(joinIntegers(c.model.widths));
    d.activation->setCurrentText(QString::fromStdString(core::toString(c.model.activation)));
    d.x0->setText(number(c.model.initialPosition));
    const core::OptimizerSpec& o = c.optimizer;
    d.optimizer->setCurrentText(QString::fromStdString(o.name));
    d.lr->setText(number(o.lr));
    d.batchSize->setValue(static_cast<int>(o.batchSize));
    d.sampling->setCurrentText(QString::fromUtf8(core::toString(o.sampling)));
    d.momentum->setText(number(o.momentum));
    d.weightDecay->setText(number(o.weightDecay));
    d.beta1->setText(number(o.beta1));
    d.beta2->setText(number(o.beta2));
    d.rho->setText(number(o.rho));
    d.historySize->setValue(static_cast<int>(o.historySize));
    d.lossBelow->setText(number(c.stop.lossBelow));
    d.maxIterations->setValue(static_cast<int>(std::min<int64_t>(c.stop.maxIterations, std::numeric_limits<int>::max())));
    d.maxSeconds->setText(number(c.stop.maxSeconds));
    d.filling = false;
    revalidate();
}

void SetupPanel::updateVisibility()
{
    Impl& d = *m_impl;
    const QString dataset = d.dataset->currentText();
    const bool synthetic = dataset != QStringLiteral("fashion-mnist") && dataset != QStringLiteral("escape-toy");
    d.dataForm->setRowVisible(d.classes, dataset == QStringLiteral("fashion-mnist"));
    d.dataForm->setRowVisible(d.noise, synthetic);
    d.dataForm->setRowVisible(d.testN, dataset != QStringLiteral("escape-toy"));
    const QString model = d.model->currentText();
    d.modelForm->setRowVisible(d.widths, model == kCustomMlp);
    d.modelForm->setRowVisible(d.activation, model == kCustomMlp);
    d.modelForm->setRowVisible(d.x0, model == QStringLiteral("escape-toy"));
    const QString opt = d.optimizer->currentText();
    const bool fullBatch = opt == QStringLiteral("gd") || opt == QStringLiteral("lbfgs");
    d.optimizerForm->setRowVisible(d.batchSize, !fullBatch);
    d.optimizerForm->setRowVisible(d.sampling, !fullBatch);
    d.optimizerForm->setRowVisible(d.momentum, opt == QStringLiteral("sgd") || opt == QStringLiteral("gd") ||
                                                   opt == QStringLiteral("sam"));
    const bool adamLike = opt == QStringLiteral("adam") || opt == QStringLiteral("adahessian");
    d.optimizerForm->setRowVisible(d.beta1, adamLike);
    d.optimizerForm->setRowVisible(d.beta2, adamLike);
    d.optimizerForm->setRowVisible(d.rho, opt == QStringLiteral("sam"));
    d.optimizerForm->setRowVisible(d.historySize, opt == QStringLiteral("lbfgs"));
}

void SetupPanel::revalidate()
{
    Impl& d = *m_impl;
    if (d.filling)
        return;
    updateVisibility();
    if (d.invalidField) {
        d.invalidField->setStyleSheet({});
        d.invalidField->setToolTip({});
        d.invalidField = nullptr;
    }
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
    data["name"] = d.dataset->currentText().toStdString();
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
    if (modelName == kCustomMlp) {
        model["kind"] = "mlp";
        if (!parseIntegers(d.widths->text(), list) && message.isEmpty()) {
            key = QStringLiteral("model.widths");
            message = tr("config key 'model.widths': give the hidden widths separated by commas");
        }
        model["widths"] = list;
        model["activation"] = d.activation->currentText().toStdString();
    } else {
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
    nlohmann::json& stop = j["stop"];
    stop["loss_below"] = numberAt(d.lossBelow, "stop.loss_below");
    stop["max_iterations"] = d.maxIterations->value();
    stop["max_seconds"] = numberAt(d.maxSeconds, "stop.max_seconds");

    d.resolved.clear();
    if (message.isEmpty()) {
        try {
            const core::RunConfig config = core::RunConfig::fromJson(j);
            d.resolved = QString::fromStdString(config.toJson().dump(2));
        } catch (const core::InputError& e) {
            message = QString::fromStdString(e.what());
            key = QString::fromStdString(e.key());
        }
    }
    const bool valid = message.isEmpty();
    if (!valid) {
        if (QWidget* field = d.fieldForKey.value(key)) {
            field->setStyleSheet(kInvalidStyle);
            field->setToolTip(message);
            d.invalidField = field;
        }
    }
    const bool changed = message != d.error;
    d.error = message;
    d.message->setText(message);
    d.message->setVisible(!valid);
    if (changed)
        Q_EMIT validityChanged(valid, message);
}

bool SetupPanel::isValid() const
{
    return m_impl->error.isEmpty();
}

QString SetupPanel::errorMessage() const
{
    return m_impl->error;
}

QString SetupPanel::configJson() const
{
    return m_impl->resolved;
}

TrainingRequest SetupPanel::request() const
{
    const Impl& d = *m_impl;
    TrainingRequest r;
    r.configJson = d.resolved;
    r.curvatureEvery = d.curvatureEvery->value();
    r.curvatureSubset = d.curvatureSubset->value();
    r.nonUniformity = d.nonUniformity->isChecked();
    r.curvatureAtEnd = d.curvatureAtEnd->isChecked();
    return r;
}

void SetupPanel::setRunning(bool running)
{
    for (QWidget* editor : m_impl->editors)
        editor->setEnabled(!running);
    m_impl->preset->setEnabled(!running);
}

void SetupPanel::saveSettings(QSettings& settings) const
{
    const Impl& d = *m_impl;
    settings.setValue(QStringLiteral("setup/preset"), d.preset->currentText());
    settings.setValue(QStringLiteral("setup/config"), d.resolved);
    settings.setValue(QStringLiteral("setup/curvatureEvery"), d.curvatureEvery->value());
    settings.setValue(QStringLiteral("setup/curvatureSubset"), d.curvatureSubset->value());
    settings.setValue(QStringLiteral("setup/nonUniformity"), d.nonUniformity->isChecked());
    settings.setValue(QStringLiteral("setup/curvatureAtEnd"), d.curvatureAtEnd->isChecked());
}

void SetupPanel::restoreSettings(const QSettings& settings)
{
    Impl& d = *m_impl;
    d.curvatureEvery->setValue(settings.value(QStringLiteral("setup/curvatureEvery"), d.curvatureEvery->value()).toInt());
    d.curvatureSubset->setValue(settings.value(QStringLiteral("setup/curvatureSubset"), 0).toInt());
    d.nonUniformity->setChecked(settings.value(QStringLiteral("setup/nonUniformity"), true).toBool());
    d.curvatureAtEnd->setChecked(settings.value(QStringLiteral("setup/curvatureAtEnd"), true).toBool());
    const QString preset = settings.value(QStringLiteral("setup/preset")).toString();
    if (!preset.isEmpty())
        d.preset->setCurrentText(preset);
    // The last config edited, if it still validates (a stale or hand-edited file is ignored).
    const QString config = settings.value(QStringLiteral("setup/config")).toString();
    if (config.isEmpty() || !loadConfig(config))
        revalidate();
}

} // namespace minimascope::ui
