#pragma once
// Process set-up shared by the application and the GUI benchmark, to call first thing in main().
//
// libgomp (loaded with LibTorch before main runs) reads OMP_WAIT_POLICY once, when it is loaded.
// Its default lets idle OpenMP threads spin (GOMP_SPINCOUNT 300000), taking the core the GUI
// thread needs. setenv() in main is too late: measured with omp_display_env(1), GOMP_SPINCOUNT
// stays 300000 after setenv and is 0 only when the variable is in the environment at exec time.
// So ensurePassiveOpenMp() sets OMP_WAIT_POLICY=PASSIVE and re-executes the program once
// (/proc/self/exe, same argv); a value the user set is kept. If exec fails, the program runs on.
namespace minimascope::ui {

void ensurePassiveOpenMp(char** argv);

}   // namespace minimascope::ui
