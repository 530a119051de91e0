#pragma once
// The explanation of the open demo, in a dock beside the plots: its Markdown (what to watch, why
// it happens, the formula, the paper) rendered by a QTextBrowser, and below it the "what to try
// next" line with a button that applies that one change and runs again. GUI thread only.
#include <QDockWidget>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace minimascope::ui {

class ExplanationDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ExplanationDock(QWidget* parent = nullptr);

    void setDemo(const QString& title, const QString& markdown, const QString& tryNext);
    QString markdown() const;
    QString tryNextText() const;
    QTextBrowser* browser() const { return m_browser; }

Q_SIGNALS:
    void tryNextRequested();

private:
    QTextBrowser* m_browser = nullptr;
    QLabel* m_tryNext = nullptr;
    QPushButton* m_tryButton = nullptr;
};

}   // namespace minimascope::ui
