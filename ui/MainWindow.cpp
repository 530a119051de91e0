#include "MainWindow.h"

#include <QLabel>

namespace minimascope::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("MinimaScope"));
    auto* label = new QLabel(tr("The MinimaScope desktop application is under construction.\n"
                                "Train and export runs with minimascope-cli (see --help)."),
                             this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(720, 480);
}

} // namespace minimascope::ui
