#pragma once
// The setup form's widgets and their layout, without behaviour (SetupPanel wires them): every
// editor named after its field (objectName "lr", "batchSize", ...) and carrying its tooltip
// (SetupFieldHelp.h), the form rows grouped as Preset, Data, Model, Optimizer, Stop when,
// Curvature and Also measure. GUI thread only.
#include <QHash>
#include <QList>
#include <QString>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;
class QWidget;

namespace minimascope::ui {

// Model combo entries that are not model presets, and the data set combo's item data for own arrays
// (its item data is the config's dataset.name).
inline const QString kCustomMlpEntry = QStringLiteral("custom MLP");
inline const QString kTorchScriptEntry = QStringLiteral("TorchScript file (.pt)…");
inline const QString kArraysName = QStringLiteral("arrays");

struct SetupFields {
    QComboBox* preset = nullptr;
    QComboBox* dataset = nullptr;
    QLineEdit* dataPath = nullptr;
    QToolButton* dataBrowse = nullptr;
    QLineEdit* labelColumn = nullptr;
    QLineEdit* testPath = nullptr;
    QToolButton* testBrowse = nullptr;
    QSpinBox* numClasses = nullptr;
    QSpinBox* n = nullptr;
    QSpinBox* testN = nullptr;
    QLineEdit* classes = nullptr;
    QLineEdit* noise = nullptr;
    QSpinBox* seed = nullptr;
    QComboBox* model = nullptr;
    QLineEdit* modelPath = nullptr;
    QToolButton* modelBrowse = nullptr;
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
    // Switching optimizer (the config's "switch"): the optimizer of the first iterations (item data
    // its config name; empty for no switch), its η (empty = that optimizer's default) and B, and the
    // first iteration of `optimizer`.
    QComboBox* startOptimizer = nullptr;
    QLineEdit* startLr = nullptr;
    QSpinBox* startBatchSize = nullptr;
    QSpinBox* switchAt = nullptr;
    QLineEdit* lossBelow = nullptr;
    QSpinBox* maxIterations = nullptr;
    QLineEdit* maxSeconds = nullptr;
    QSpinBox* curvatureEvery = nullptr;
    QSpinBox* curvatureSubset = nullptr;
    QCheckBox* nonUniformity = nullptr;
    QCheckBox* curvatureSpectrum = nullptr;
    QCheckBox* curvatureAtEnd = nullptr;
    QCheckBox* gradientNorm = nullptr;
    QSpinBox* averageFrom = nullptr;   // schedule.average_from; its minimum, -1, is "off"
    QLabel* message = nullptr;         // under the form: the core's message, or which files are checked
    QFormLayout* dataForm = nullptr;
    QFormLayout* modelForm = nullptr;
    QFormLayout* optimizerForm = nullptr;
    QWidget* dataPathRow = nullptr;   // a path field with its Browse button
    QWidget* testPathRow = nullptr;
    QWidget* modelPathRow = nullptr;

    QHash<QString, QWidget*> fieldForKey;   // "optimizer.lr" -> its editor
    QHash<QWidget*, QString> labels;        // editor -> its row's label
    QList<QWidget*> editors;                // every field of the config and the curvature cadence
    QList<QWidget*> historyFields;          // the preset and the editors: what an undo snapshot holds
    QList<QToolButton*> browseButtons;

    QString datasetName() const;   // the chosen data set's config name
};

// Builds the form inside `panel` (which gets a layout) and fills `fields`.
void buildSetupFields(SetupFields& fields, QWidget* panel);

}   // namespace minimascope::ui
