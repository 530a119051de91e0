// The main() of each test executable: runs the suite named by the first argument, passing the
// rest to Qt Test (see TestSuite.h).
#include "support/TestSuite.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

namespace minimascope::tests {
namespace {

std::map<std::string, SuiteMain>& suites()
{
    static std::map<std::string, SuiteMain> registered;
    return registered;
}

void printSuites(std::FILE* out)
{
    for (const auto& [name, main] : suites())
        std::fprintf(out, "  %s\n", name.c_str());
}

}   // namespace

bool registerSuite(const char* name, SuiteMain main) { return suites().emplace(name, main).second; }

}   // namespace minimascope::tests

int main(int argc, char* argv[])
{
    using minimascope::tests::suites;
    if (argc < 2 || std::strcmp(argv[1], "--list") == 0) {
        std::fprintf(argc < 2 ? stderr : stdout, "usage: %s <suite> [Qt Test options]\nsuites:\n", argv[0]);
        minimascope::tests::printSuites(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const auto suite = suites().find(argv[1]);
    if (suite == suites().end()) {
        std::fprintf(stderr, "%s: no suite named '%s'; suites:\n", argv[0], argv[1]);
        minimascope::tests::printSuites(stderr);
        return 2;
    }
    // Qt Test sees "<executable> [options]", as if the suite had its own main().
    argv[1] = argv[0];
    return suite->second(argc - 1, argv + 1);
}
