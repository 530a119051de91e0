#pragma once
// What the desktop benchmarks start with, as the application itself starts (app/gui/main.cpp):
// idle OpenMP threads that do not spin, freed memory kept for reuse, the 3D panel's surface
// format, then a QApplication whose settings live in a temporary folder, never the user's.
#include <QApplication>
#include <QTemporaryDir>

class DesktopBenchApplication {
public:
    DesktopBenchApplication(int& argc, char** argv);
    QApplication& app() { return m_app; }

private:
    // Runs before the QApplication exists (the surface format must be set first); returns argc.
    static int& prepareProcess(int& argc, char** argv);

    QApplication m_app;
    QTemporaryDir m_settingsDir;
};
