#pragma once
// AboutDialog: MinimaScope's version (the one --version prints), its license, the papers to cite
// (Wu, Ma & E 2018 first, as CITATION.cff asks) with links, and where the user guide is. Shown
// without exec(): it is not modal, and its text can be read while it is open. GUI thread only.
#include <QDialog>

class QLabel;
class QUrl;

namespace minimascope::ui {

class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(QWidget* parent = nullptr);

    // The dialog's text (rich text).
    QString text() const;

Q_SIGNALS:
    // A link of the dialog was activated (the papers on the web, the user guide on this computer).
    void linkActivated(const QUrl& link);

private:
    QLabel* m_text = nullptr;
};

}   // namespace minimascope::ui
