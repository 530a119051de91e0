#pragma once
// One Qt Test executable per test directory (unit, oracle, gui) instead of one per suite: each
// executable costs a moc step, a compile and a link of ~290 libraries, which was most of CI's
// build time. ctest still runs every suite as its own test: `<executable> <SuiteName> [qtest args]`.
//
// A suite's file ends with one of these instead of QTEST_MAIN and friends; they mirror Qt's
// QTEST_MAIN_WRAPPER (initMain(), the application object, the source path for QFINDTESTDATA).

#include <QtTest/QtTest>

namespace minimascope::tests {

using SuiteMain = int (*)(int argc, char* argv[]);

/// Registers a suite under `name`; called during static initialization by the macros below.
bool registerSuite(const char* name, SuiteMain main);

}   // namespace minimascope::tests

#define MINIMASCOPE_TEST_SUITE_IMPL(TestObject, appSetup)                                                              \
    namespace {                                                                                                        \
    int run##TestObject(int argc, char* argv[])                                                                        \
    {                                                                                                                  \
        QTest::Internal::callInitMain<TestObject>();                                                                   \
        appSetup TestObject suite;                                                                                     \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&suite, argc, argv);                                                                       \
    }                                                                                                                  \
    [[maybe_unused]] const bool registered##TestObject = ::minimascope::tests::registerSuite(#TestObject,              \
                                                                                             &run##TestObject);        \
    }

#define MINIMASCOPE_TEST_NO_APP
#define MINIMASCOPE_TEST_APP(klass)                                                                                    \
    klass app(argc, argv);                                                                                             \
    app.setAttribute(Qt::AA_Use96Dpi, true);

/// A suite that needs no application object (QTEST_APPLESS_MAIN).
#define MINIMASCOPE_TEST_APPLESS(TestObject) MINIMASCOPE_TEST_SUITE_IMPL(TestObject, MINIMASCOPE_TEST_NO_APP)
/// A suite with an event loop but no GUI (QTEST_GUILESS_MAIN).
#define MINIMASCOPE_TEST_GUILESS(TestObject)                                                                           \
    MINIMASCOPE_TEST_SUITE_IMPL(TestObject, MINIMASCOPE_TEST_APP(QCoreApplication))
/// A suite with widgets (QTEST_MAIN of a widgets test); include <QApplication> first.
#define MINIMASCOPE_TEST_WIDGETS(TestObject) MINIMASCOPE_TEST_SUITE_IMPL(TestObject, MINIMASCOPE_TEST_APP(QApplication))
