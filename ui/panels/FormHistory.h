#pragma once
// Undo for a form of plain editors: a snapshot holds every field's value (line edit text, spin
// box value, combo box index, check state) and whatever the form keeps besides its fields, and
// one command moves the form between two snapshots. A snapshot is the whole form, so an edit
// that changes several fields at once (a preset) is still one step. GUI thread only.
#include <QList>
#include <QString>
#include <QUndoCommand>
#include <QVariantList>

#include <functional>

class QWidget;

namespace minimascope::ui {

struct FormSnapshot {
    QVariantList values;   // one per field, in the form's order
    QString extra;         // state that is not in a field

    bool operator==(const FormSnapshot& other) const { return values == other.values && extra == other.extra; }
    bool operator!=(const FormSnapshot& other) const { return !(*this == other); }
};

// QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox and QAbstractButton (check state) fields.
QVariantList readFields(const QList<QWidget*>& fields);
void writeFields(const QList<QWidget*>& fields, const QVariantList& values);

class FormEditCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const FormSnapshot&)>;
    // Pushed after the edit: the form already shows `after`, so the stack's first redo() does nothing.
    FormEditCommand(FormSnapshot before, FormSnapshot after, Apply apply, const QString& text);

    void undo() override;
    void redo() override;

private:
    FormSnapshot m_before;
    FormSnapshot m_after;
    Apply m_apply;
    bool m_applied = true;
};

}   // namespace minimascope::ui
