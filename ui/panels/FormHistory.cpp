#include "panels/FormHistory.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>

#include <utility>

namespace minimascope::ui {

QVariantList readFields(const QList<QWidget*>& fields)
{
    QVariantList values;
    values.reserve(fields.size());
    for (QWidget* field : fields) {
        if (auto* edit = qobject_cast<QLineEdit*>(field))
            values << edit->text();
        else if (auto* spin = qobject_cast<QSpinBox*>(field))
            values << spin->value();
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(field))
            values << real->value();
        else if (auto* combo = qobject_cast<QComboBox*>(field))
            values << combo->currentIndex();
        else if (auto* button = qobject_cast<QAbstractButton*>(field))
            values << button->isChecked();
        else
            values << QVariant();
    }
    return values;
}

void writeFields(const QList<QWidget*>& fields, const QVariantList& values)
{
    for (qsizetype i = 0; i < fields.size() && i < values.size(); ++i) {
        QWidget* field = fields[i];
        const QVariant& value = values[i];
        if (auto* edit = qobject_cast<QLineEdit*>(field))
            edit->setText(value.toString());
        else if (auto* spin = qobject_cast<QSpinBox*>(field))
            spin->setValue(value.toInt());
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(field))
            real->setValue(value.toDouble());
        else if (auto* combo = qobject_cast<QComboBox*>(field))
            combo->setCurrentIndex(value.toInt());
        else if (auto* button = qobject_cast<QAbstractButton*>(field))
            button->setChecked(value.toBool());
    }
}

FormEditCommand::FormEditCommand(FormSnapshot before, FormSnapshot after, Apply apply, const QString& text)
    : m_before(std::move(before)), m_after(std::move(after)), m_apply(std::move(apply))
{
    setText(text);
}

void FormEditCommand::undo()
{
    m_apply(m_before);
    m_applied = false;
}

void FormEditCommand::redo()
{
    if (!m_applied)
        m_apply(m_after);
    m_applied = true;
}

}   // namespace minimascope::ui
