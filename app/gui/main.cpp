// minimascope: the desktop application.
#include "MainWindow.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MinimaScope"));
    minimascope::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
