#include "panels/SetupFields.h"

#include "io/ResourceLibrary.h"
#include "models/ModelSpec.h"
#include "train/RunConfig.h"
#include "panels/SetupFieldHelp.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace minimascope::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SetupPanel", text); }

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

QToolButton* browseButton(const QString& objectName)
{
    auto* button = new QToolButton;
    button->setObjectName(objectName);
    button->setText(tr("Browse…"));
    return button;
}

QWidget* pathRow(QLineEdit* edit, QToolButton* browse)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    return row;
}

}   // namespace

QString SetupFields::datasetName() const { return dataset->currentData().toString(); }

void buildSetupFields(SetupFields& d, QWidget* panel)
{
    auto* outer = new QVBoxLayout(panel);
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
    const auto addRow = [&d](QFormLayout* form, const QString& label, QWidget* editor, QWidget* row = nullptr) {
        form->addRow(label, row ? row : editor);
        d.labels.insert(editor, label);
    };

    QFormLayout* presetForm = group(tr("Preset"));
    d.preset = choiceField(QStringLiteral("preset"), presetNamesFound());
    d.preset->setPlaceholderText(tr("none (a loaded config)"));
    presetForm->addRow(tr("Preset"), d.preset);

    d.dataForm = group(tr("Data"));
    d.dataset = choiceField(QStringLiteral("dataset"), {});
    for (const QString& name : {QStringLiteral("fashion-mnist"), QStringLiteral("two-moons"), QStringLiteral("spirals"),
                                QStringLiteral("xor"), QStringLiteral("blobs"), QStringLiteral("teacher-student"),
                                QStringLiteral("xor-classic"), QStringLiteral("escape-toy")})
        d.dataset->addItem(name, name);
    d.dataset->addItem(tr("Own arrays (.npy/.npz/.csv)…"), kArraysName);
    d.dataPath = numberField(QStringLiteral("dataPath"));
    d.dataPath->setPlaceholderText(tr(".npz, .csv or a folder with X.npy and y.npy"));
    d.dataBrowse = browseButton(QStringLiteral("dataBrowse"));
    d.dataPathRow = pathRow(d.dataPath, d.dataBrowse);
    d.labelColumn = numberField(QStringLiteral("labelColumn"));
    d.testPath = numberField(QStringLiteral("testPath"));
    d.testPath->setPlaceholderText(tr("none"));
    d.testBrowse = browseButton(QStringLiteral("testBrowse"));
    d.testPathRow = pathRow(d.testPath, d.testBrowse);
    d.numClasses = integerField(QStringLiteral("numClasses"), 0, 100000);
    d.numClasses->setSpecialValueText(tr("largest label + 1"));
    d.n = integerField(QStringLiteral("n"), 1, kMaxInt);
    d.testN = integerField(QStringLiteral("testN"), 0, kMaxInt);
    d.classes = new QLineEdit;
    d.classes->setObjectName(QStringLiteral("classes"));
    d.classes->setPlaceholderText(tr("all, or e.g. 0, 1"));
    d.noise = numberField(QStringLiteral("noise"));
    d.seed = integerField(QStringLiteral("seed"), 0, kMaxInt);
    addRow(d.dataForm, tr("Data set"), d.dataset);
    addRow(d.dataForm, tr("Arrays file or folder"), d.dataPath, d.dataPathRow);
    addRow(d.dataForm, tr("CSV label column"), d.labelColumn);
    addRow(d.dataForm, tr("Held-out CSV"), d.testPath, d.testPathRow);
    addRow(d.dataForm, tr("Number of classes k"), d.numClasses);
    addRow(d.dataForm, tr("Training examples n"), d.n);
    addRow(d.dataForm, tr("Test examples"), d.testN);
    addRow(d.dataForm, tr("Classes"), d.classes);
    addRow(d.dataForm, tr("Noise"), d.noise);
    addRow(d.dataForm, tr("Seed"), d.seed);

    d.modelForm = group(tr("Model"));
    QStringList models{kCustomMlpEntry};
    for (const std::string& name : core::modelPresetNames())
        models << QString::fromStdString(name);
    models << kTorchScriptEntry;
    d.model = choiceField(QStringLiteral("model"), models);
    d.modelPath = numberField(QStringLiteral("modelPath"));
    d.modelPath->setPlaceholderText(tr("a module saved with torch.jit.script"));
    d.modelBrowse = browseButton(QStringLiteral("modelBrowse"));
    d.modelPathRow = pathRow(d.modelPath, d.modelBrowse);
    d.widths = new QLineEdit;
    d.widths->setObjectName(QStringLiteral("widths"));
    d.widths->setPlaceholderText(tr("hidden widths, e.g. 256, 256"));
    d.activation = choiceField(QStringLiteral("activation"),
                               {QStringLiteral("relu"), QStringLiteral("tanh"), QStringLiteral("gelu")});
    d.x0 = numberField(QStringLiteral("x0"));
    addRow(d.modelForm, tr("Model"), d.model);
    addRow(d.modelForm, tr("TorchScript file"), d.modelPath, d.modelPathRow);
    addRow(d.modelForm, tr("Hidden widths"), d.widths);
    addRow(d.modelForm, tr("Activation"), d.activation);
    addRow(d.modelForm, tr("Start x₀"), d.x0);

    d.optimizerForm = group(tr("Optimizer"));
    d.optimizer = choiceField(QStringLiteral("optimizer"),
                              {QStringLiteral("gd"), QStringLiteral("sgd"), QStringLiteral("adagrad"),
                               QStringLiteral("adam"), QStringLiteral("lbfgs"), QStringLiteral("sam"),
                               QStringLiteral("adahessian")});
    d.lr = numberField(QStringLiteral("lr"));
    d.batchSize = integerField(QStringLiteral("batchSize"), 1, kMaxInt);
    d.sampling = choiceField(QStringLiteral("sampling"),
                             {QStringLiteral("shuffle"), QStringLiteral("subset"), QStringLiteral("replacement")});
    d.momentum = numberField(QStringLiteral("momentum"));
    d.weightDecay = numberField(QStringLiteral("weightDecay"));
    d.beta1 = numberField(QStringLiteral("beta1"));
    d.beta2 = numberField(QStringLiteral("beta2"));
    d.rho = numberField(QStringLiteral("rho"));
    d.historySize = integerField(QStringLiteral("historySize"), 1, 1000);
    addRow(d.optimizerForm, tr("Optimizer"), d.optimizer);
    addRow(d.optimizerForm, tr("Learning rate η"), d.lr);
    addRow(d.optimizerForm, tr("Batch size B"), d.batchSize);
    addRow(d.optimizerForm, tr("Sampling"), d.sampling);
    addRow(d.optimizerForm, tr("Momentum"), d.momentum);
    addRow(d.optimizerForm, tr("Weight decay"), d.weightDecay);
    addRow(d.optimizerForm, tr("β₁"), d.beta1);
    addRow(d.optimizerForm, tr("β₂"), d.beta2);
    addRow(d.optimizerForm, tr("SAM radius ρ"), d.rho);
    addRow(d.optimizerForm, tr("L-BFGS history"), d.historySize);
    d.startOptimizer = choiceField(QStringLiteral("startOptimizer"), {});
    d.startOptimizer->addItem(tr("— (no switch)"), QString());
    // Every optimizer the core has: its options other than η and B take their defaults.
    for (const QString& name :
         {QStringLiteral("gd"), QStringLiteral("sgd"), QStringLiteral("adagrad"), QStringLiteral("adam"),
          QStringLiteral("lbfgs"), QStringLiteral("sam"), QStringLiteral("adahessian"), QStringLiteral("rk2")})
        d.startOptimizer->addItem(name, name);
    d.startLr = numberField(QStringLiteral("startLr"));
    d.startLr->setPlaceholderText(tr("its default"));
    d.startBatchSize = integerField(QStringLiteral("startBatchSize"), 1, kMaxInt);
    d.startBatchSize->setValue(static_cast<int>(core::OptimizerSpec{}.batchSize));
    d.switchAt = integerField(QStringLiteral("switchAt"), 1, kMaxInt);
    addRow(d.optimizerForm, tr("Start with"), d.startOptimizer);
    addRow(d.optimizerForm, tr("Its learning rate"), d.startLr);
    addRow(d.optimizerForm, tr("Its batch size"), d.startBatchSize);
    addRow(d.optimizerForm, tr("Switch at iteration"), d.switchAt);

    QFormLayout* stopForm = group(tr("Stop when"));
    d.lossBelow = numberField(QStringLiteral("lossBelow"));
    d.maxIterations = integerField(QStringLiteral("maxIterations"), 0, kMaxInt);
    d.maxSeconds = numberField(QStringLiteral("maxSeconds"));
    addRow(stopForm, tr("Training loss below"), d.lossBelow);
    addRow(stopForm, tr("Iterations reach"), d.maxIterations);
    addRow(stopForm, tr("Seconds reach"), d.maxSeconds);

    QFormLayout* analysisForm = group(tr("Curvature (a, s)"));
    d.curvatureEvery = integerField(QStringLiteral("curvatureEvery"), 0, kMaxInt);
    d.curvatureEvery->setValue(50);
    d.curvatureEvery->setSpecialValueText(tr("only at the end"));
    d.curvatureSubset = integerField(QStringLiteral("curvatureSubset"), 0, kMaxInt);
    d.curvatureSubset->setSpecialValueText(tr("all training examples"));
    d.nonUniformity = new QCheckBox(tr("non-uniformity s too"));
    d.nonUniformity->setObjectName(QStringLiteral("nonUniformity"));
    d.nonUniformity->setChecked(true);
    // Off by default: each measurement then costs ~80 H products more.
    d.curvatureSpectrum = new QCheckBox(tr("Hessian spectrum at each measurement"));
    d.curvatureSpectrum->setObjectName(QStringLiteral("curvatureSpectrum"));
    d.curvatureAtEnd = new QCheckBox(tr("measure at the end of the run"));
    d.curvatureAtEnd->setObjectName(QStringLiteral("curvatureAtEnd"));
    d.curvatureAtEnd->setChecked(true);
    addRow(analysisForm, tr("Measure every k iterations"), d.curvatureEvery);
    addRow(analysisForm, tr("On the first N examples"), d.curvatureSubset);
    analysisForm->addRow(d.nonUniformity);
    analysisForm->addRow(d.curvatureSpectrum);
    analysisForm->addRow(d.curvatureAtEnd);
    d.labels.insert(d.nonUniformity, d.nonUniformity->text());
    d.labels.insert(d.curvatureSpectrum, d.curvatureSpectrum->text());
    d.labels.insert(d.curvatureAtEnd, d.curvatureAtEnd->text());

    QFormLayout* measureForm = group(tr("Also measure"));
    d.gradientNorm = new QCheckBox(tr("gradient norm |∇L| at every evaluation"));
    d.gradientNorm->setObjectName(QStringLiteral("gradientNorm"));
    measureForm->addRow(d.gradientNorm);
    d.labels.insert(d.gradientNorm, d.gradientNorm->text());
    // 0 is an iteration (the initial parameters), so "off" is the config's own -1.
    d.averageFrom = integerField(QStringLiteral("averageFrom"), -1, kMaxInt);
    d.averageFrom->setValue(-1);
    d.averageFrom->setSpecialValueText(tr("off"));
    addRow(measureForm, tr("Average the iterates from iteration"), d.averageFrom);

    d.message = new QLabel;
    d.message->setObjectName(QStringLiteral("setupMessage"));
    d.message->setWordWrap(true);
    d.message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(d.message);
    column->addStretch(1);

    d.fieldForKey = {{QStringLiteral("dataset.name"), d.dataset},
                     {QStringLiteral("dataset.n"), d.n},
                     {QStringLiteral("dataset.test_n"), d.testN},
                     {QStringLiteral("dataset.classes"), d.classes},
                     {QStringLiteral("dataset.noise"), d.noise},
                     {QStringLiteral("seed"), d.seed},
                     {QStringLiteral("dataset.path"), d.dataPath},
                     {QStringLiteral("dataset.label_column"), d.labelColumn},
                     {QStringLiteral("dataset.test_path"), d.testPath},
                     {QStringLiteral("dataset.num_classes"), d.numClasses},
                     {QStringLiteral("model.path"), d.modelPath},
                     {QStringLiteral("model.preset"), d.model},
                     {QStringLiteral("model.kind"), d.model},
                     {QStringLiteral("model.widths"), d.widths},
                     {QStringLiteral("model.activation"), d.activation},
                     {QStringLiteral("model.x0"), d.x0},
                     {QStringLiteral("optimizer.name"), d.optimizer},
                     {QStringLiteral("optimizer.lr"), d.lr},
                     {QStringLiteral("optimizer.batch_size"), d.batchSize},
                     {QStringLiteral("optimizer.sampling"), d.sampling},
                     {QStringLiteral("optimizer.momentum"), d.momentum},
                     {QStringLiteral("optimizer.weight_decay"), d.weightDecay},
                     {QStringLiteral("optimizer.beta1"), d.beta1},
                     {QStringLiteral("optimizer.beta2"), d.beta2},
                     {QStringLiteral("optimizer.rho"), d.rho},
                     {QStringLiteral("optimizer.history_size"), d.historySize},
                     {QStringLiteral("switch"), d.startOptimizer},
                     {QStringLiteral("switch.from.name"), d.startOptimizer},
                     {QStringLiteral("switch.from.lr"), d.startLr},
                     {QStringLiteral("switch.from.batch_size"), d.startBatchSize},
                     {QStringLiteral("switch.at"), d.switchAt},
                     {QStringLiteral("stop.loss_below"), d.lossBelow},
                     {QStringLiteral("stop.max_iterations"), d.maxIterations},
                     {QStringLiteral("stop.max_seconds"), d.maxSeconds},
                     {QStringLiteral("schedule.gradient_norm"), d.gradientNorm},
                     {QStringLiteral("schedule.average_from"), d.averageFrom}};
    d.editors = {d.dataset,
                 d.dataPath,
                 d.labelColumn,
                 d.testPath,
                 d.numClasses,
                 d.n,
                 d.testN,
                 d.classes,
                 d.noise,
                 d.seed,
                 d.model,
                 d.modelPath,
                 d.widths,
                 d.activation,
                 d.x0,
                 d.optimizer,
                 d.lr,
                 d.batchSize,
                 d.sampling,
                 d.momentum,
                 d.weightDecay,
                 d.beta1,
                 d.beta2,
                 d.rho,
                 d.historySize,
                 d.startOptimizer,
                 d.startLr,
                 d.startBatchSize,
                 d.switchAt,
                 d.lossBelow,
                 d.maxIterations,
                 d.maxSeconds,
                 d.curvatureEvery,
                 d.curvatureSubset,
                 d.nonUniformity,
                 d.curvatureSpectrum,
                 d.curvatureAtEnd,
                 d.gradientNorm,
                 d.averageFrom};
    d.historyFields = QList<QWidget*>{d.preset} + d.editors;
    d.browseButtons = {d.dataBrowse, d.testBrowse, d.modelBrowse};
    for (QWidget* field : d.historyFields)
        field->setToolTip(setupFieldHelp(field->objectName()));
    for (QToolButton* button : d.browseButtons)
        button->setToolTip(setupFieldHelp(button->objectName()));
}

}   // namespace minimascope::ui
