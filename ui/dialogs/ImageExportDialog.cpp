#include "dialogs/ImageExportDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>

namespace minimascope::ui {

namespace {

QSpinBox* spin(int min, int max, int value, const QString& suffix)
{
    auto* box = new QSpinBox;
    box->setRange(min, max);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

}   // namespace

ImageExportDialog::ImageExportDialog(bool withDpi, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Image size"));
    const QSettings settings;
    m_width = spin(16, 20000, settings.value(QStringLiteral("export/width"), 1600).toInt(), tr(" px"));
    m_height = spin(16, 20000, settings.value(QStringLiteral("export/height"), 1000).toInt(), tr(" px"));
    m_dpi = spin(48, 1200, settings.value(QStringLiteral("export/dpi"), 192).toInt(), tr(" dpi"));
    auto* form = new QFormLayout(this);
    form->addRow(tr("Width"), m_width);
    form->addRow(tr("Height"), m_height);
    if (withDpi)
        form->addRow(tr("Resolution"), m_dpi);
    else
        m_dpi->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QSize ImageExportDialog::imageSize() const { return {m_width->value(), m_height->value()}; }

double ImageExportDialog::dpi() const { return m_dpi->value(); }

void ImageExportDialog::accept()
{
    QSettings settings;
    settings.setValue(QStringLiteral("export/width"), m_width->value());
    settings.setValue(QStringLiteral("export/height"), m_height->value());
    settings.setValue(QStringLiteral("export/dpi"), m_dpi->value());
    QDialog::accept();
}

}   // namespace minimascope::ui
