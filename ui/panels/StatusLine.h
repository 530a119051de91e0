#pragma once
// One line of status text whose changes never relayout the window. A QLabel in the status bar
// invalidates the main window's layout at every setText (its size hint may change), and with a
// dozen docks that relayout cost 50-250 ms a time on a busy machine (measured in the GUI
// benchmark). Here the label is the child of a widget without a layout: its geometry is set by
// hand, so an update repaints just the line. GUI thread only.
#include <QWidget>

class QLabel;

namespace minimascope::ui {

class StatusLine : public QWidget {
    Q_OBJECT
public:
    explicit StatusLine(QWidget* parent = nullptr);
    void setText(const QString& text, bool error);
    QString text() const;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QLabel* m_label;
};

}   // namespace minimascope::ui
