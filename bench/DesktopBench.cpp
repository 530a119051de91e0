#include "DesktopBench.h"

#include "AppEnvironment.h"
#include "OpenGlFormat.h"
#include "common/AllocatorSettings.h"

#include <QSettings>

DesktopBenchApplication::DesktopBenchApplication(int& argc, char** argv) : m_app(prepareProcess(argc, argv), argv)
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("MinimaScopeBench"));
}

int& DesktopBenchApplication::prepareProcess(int& argc, char** argv)
{
    minimascope::ui::ensurePassiveOpenMp(argv);
    minimascope::core::keepFreedMemoryForReuse();
    minimascope::ui::setDefaultOpenGlFormat();
    return argc;
}
