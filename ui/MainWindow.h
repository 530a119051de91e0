#pragma once
// The application window. Placeholder shell until the desktop-application issue lands: it
// tells the user that training runs from minimascope-cli for now.
#include <QMainWindow>

namespace minimascope::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace minimascope::ui
