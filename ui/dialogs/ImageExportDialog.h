#pragma once
// Asks for an exported image's size in pixels and its DPI (text and lines scale with the DPI,
// as on a screen of that resolution). Remembers the last choice in QSettings. GUI thread only.
#include <QDialog>

class QSpinBox;

namespace minimascope::ui {

class ImageExportDialog : public QDialog {
    Q_OBJECT
public:
    // `withDpi` false for exports that have no DPI (the 3D view).
    explicit ImageExportDialog(bool withDpi, QWidget* parent = nullptr);
    QSize imageSize() const;
    double dpi() const;

    void accept() override;

private:
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QSpinBox* m_dpi = nullptr;
};

}   // namespace minimascope::ui
