#include "study/NewStudyDialog.h"

#include "io/AtomicFile.h"
#include "io/ResourceLibrary.h"
#include "study/StudyConfig.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace minimascope::ui {

namespace {

// The axes the papers vary; any other config key can be typed in.
const QStringList kCommonKeys{QString(),
                              QStringLiteral("optimizer.lr"),
                              QStringLiteral("optimizer.batch_size"),
                              QStringLiteral("optimizer.name"),
                              QStringLiteral("seed"),
                              QStringLiteral("optimizer.sampling"),
                              QStringLiteral("optimizer.momentum"),
                              QStringLiteral("dataset.n"),
                              QStringLiteral("model.preset")};

// "0.05, 0.1" -> [0.05, 0.1]; "sgd, gd" -> ["sgd", "gd"]: each value as JSON when it parses as
// JSON, as text otherwise (what --set does on the command line).
nlohmann::json parseValues(const QString& text)
{
    nlohmann::json values = nlohmann::json::array();
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const std::string item = part.trimmed().toStdString();
        if (item.empty())
            continue;
        try {
            values.push_back(nlohmann::json::parse(item));
        } catch (const nlohmann::json::exception&) {
            values.push_back(item);
        }
    }
    return values;
}

}   // namespace

NewStudyDialog::NewStudyDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("New study"));
    auto* form = new QFormLayout(this);
    m_name = new QLineEdit(QStringLiteral("my-study"), this);
    form->addRow(tr("Name"), m_name);
    m_base = new QComboBox(this);
    for (const std::string& preset : core::listResources("presets"))
        m_base->addItem(QString::fromStdString(preset));
    m_base->setToolTip(tr("The run every point starts from; the axes change some of its keys"));
    form->addRow(tr("Base preset"), m_base);
    for (int i = 0; i < kAxes; ++i) {
        auto* row = new QHBoxLayout;
        m_axisKeys[i] = new QComboBox(this);
        m_axisKeys[i]->setEditable(true);
        m_axisKeys[i]->addItems(kCommonKeys);
        m_axisKeys[i]->setToolTip(tr("Any config key, dotted (docs/config.md)"));
        m_axisValues[i] = new QLineEdit(this);
        m_axisValues[i]->setPlaceholderText(tr("values, separated by commas: 0.05, 0.1, 0.2"));
        row->addWidget(m_axisKeys[i], 1);
        row->addWidget(m_axisValues[i], 2);
        form->addRow(tr("Axis %1").arg(i + 1), row);
        connect(m_axisKeys[i], &QComboBox::currentTextChanged, this, &NewStudyDialog::revalidate);
        connect(m_axisValues[i], &QLineEdit::textChanged, this, &NewStudyDialog::revalidate);
    }
    auto* measures = new QHBoxLayout;
    m_sharpness = new QCheckBox(tr("a"), this);
    m_nonUniformity = new QCheckBox(tr("s"), this);
    m_stability = new QCheckBox(tr("stability verdict"), this);
    m_lambdaMin = new QCheckBox(tr("λmin"), this);
    for (QCheckBox* box : {m_sharpness, m_nonUniformity, m_stability, m_lambdaMin}) {
        box->setChecked(box != m_lambdaMin);
        measures->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &NewStudyDialog::revalidate);
    }
    form->addRow(tr("Measure at the end"), measures);
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(QDir::home().filePath(QStringLiteral("minimascope-studies/my-study")), this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Run it in"), folderRow);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("The study's folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("newStudyStatus"));
    form->addRow(m_status);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* field : {m_name, m_folder})
        connect(field, &QLineEdit::textChanged, this, &NewStudyDialog::revalidate);
    connect(m_base, &QComboBox::currentTextChanged, this, &NewStudyDialog::revalidate);
    m_axisKeys[0]->setCurrentText(QStringLiteral("optimizer.lr"));
    revalidate();
}

nlohmann::json NewStudyDialog::studyDocument(QString* error) const
{
    nlohmann::json grid = nlohmann::json::object();
    for (int i = 0; i < kAxes; ++i) {
        const QString key = m_axisKeys[i]->currentText().trimmed();
        const nlohmann::json values = parseValues(m_axisValues[i]->text());
        if (key.isEmpty() && values.empty())
            continue;
        if (key.isEmpty() || values.empty()) {
            *error = tr("Axis %1 needs both a key and at least one value").arg(i + 1);
            return {};
        }
        grid[key.toStdString()] = values;
    }
    // A study file refuses an empty grid; the form says it in its own terms.
    if (grid.empty()) {
        *error = tr("Give at least one axis: a key and its values (one run of the base config is Run in "
                    "the main window)");
        return {};
    }
    nlohmann::json measure = nlohmann::json::array();
    if (m_sharpness->isChecked())
        measure.push_back("sharpness");
    if (m_nonUniformity->isChecked())
        measure.push_back("non_uniformity");
    if (m_stability->isChecked())
        measure.push_back("stability");
    if (m_lambdaMin->isChecked())
        measure.push_back("lambda_min");
    nlohmann::json document{{"format", "minimascope-study"},
                            {"version", 1},
                            {"name", m_name->text().trimmed().toStdString()},
                            {"base", m_base->currentText().toStdString()},
                            {"grid", grid},
                            {"measure", measure}};
    if (m_name->text().trimmed().isEmpty()) {
        *error = tr("The study needs a name");
        return {};
    }
    try {
        // Core's own validation, every point resolved: what Start would refuse is refused here.
        const core::StudyConfig study = core::parseStudyConfig(document, "the form");
        *error = tr("%n run(s)", nullptr, int(study.points.size()));
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return {};
    }
    return document;
}

QString NewStudyDialog::writeStudyFile(QString* error) const
{
    const nlohmann::json document = studyDocument(error);
    if (document.is_null())
        return {};
    const QString folder = m_folder->text().trimmed();
    if (folder.isEmpty()) {
        *error = tr("Choose a folder to run the study in");
        return {};
    }
    const QString path = QDir(folder).filePath(QStringLiteral("study.json"));
    try {
        core::ensureDirectory(folder.toStdString());
        core::writeFileAtomically(path.toStdString(), document.dump(2) + "\n");
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return {};
    }
    return path;
}

void NewStudyDialog::revalidate()
{
    QString message;
    const bool valid = !studyDocument(&message).is_null() && !m_folder->text().trimmed().isEmpty();
    m_status->setText(message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(valid);
}

}   // namespace minimascope::ui
