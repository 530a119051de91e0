#pragma once
// Defining a study in a form instead of a file: a name, a base preset, up to four axes (a
// config key and its values, "0.05, 0.1, 0.2"), what each run measures, and the folder to run it
// in. The form builds the study file's JSON and validates it with core's own parser, every point
// included, before it can be accepted; the accepted study is written to FOLDER/study.json.
// GUI thread only.
#include <QDialog>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace minimascope::ui {

class NewStudyDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kAxes = 4;

    explicit NewStudyDialog(QWidget* parent = nullptr);

    // The form's fields, for tests and callers that fill it in.
    QLineEdit* nameField() const { return m_name; }
    QComboBox* baseField() const { return m_base; }
    QComboBox* axisKeyField(int i) const { return m_axisKeys[i]; }
    QLineEdit* axisValuesField(int i) const { return m_axisValues[i]; }
    QLineEdit* folderField() const { return m_folder; }

    // The study file the form describes; empty with *error set when it is not a valid study.
    nlohmann::json studyDocument(QString* error) const;
    // Writes the study file into the folder; its path, or empty with *error set.
    QString writeStudyFile(QString* error) const;

private:
    void revalidate();

    QLineEdit* m_name = nullptr;
    QComboBox* m_base = nullptr;
    QComboBox* m_axisKeys[kAxes] = {};
    QLineEdit* m_axisValues[kAxes] = {};
    QCheckBox* m_sharpness = nullptr;
    QCheckBox* m_nonUniformity = nullptr;
    QCheckBox* m_stability = nullptr;
    QCheckBox* m_lambdaMin = nullptr;
    QLineEdit* m_folder = nullptr;
    QLabel* m_status = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

}   // namespace minimascope::ui
