#include "study/RunSlots.h"

#include "common/ExitCode.h"
#include "common/InputError.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace minimascope::core {

namespace {

pid_t spawnChild(const std::string& executable, const std::string& runDir)
{
    const std::string log = runDir + "/log.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> words{executable, "study", "run-one", runDir};
    std::vector<char*> argv;
    for (std::string& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        throw InputError("cannot start " + executable + ": " + std::strerror(error));
    return pid;
}

// True when this process runs one thread (Linux: one entry in /proc/self/task).
bool singleThreaded()
{
    std::error_code error;
    int threads = 0;
    for (std::filesystem::directory_iterator it("/proc/self/task", error), end; !error && it != end;
         it.increment(error))
        ++threads;
    return !error && threads == 1;
}

pid_t forkChild(const ForkedRun& run, const std::string& runDir)
{
    const std::string log = runDir + "/log.txt";
    std::fflush(nullptr);   // else the child would write this process's buffered output again
    const pid_t pid = ::fork();
    if (pid < 0)
        throw InputError(std::string("cannot start a run (fork): ") + std::strerror(errno));
    if (pid > 0)
        return pid;
    // The child: what `minimascope-cli study run-one DIR` started by exec does, output included.
    // Its command line is the parent's; its name in ps and top says which run it is.
    const std::string name = "run-" + std::filesystem::path(runDir).filename().string();
    ::prctl(PR_SET_NAME, name.substr(0, 15).c_str());
    int code = kInternalError;
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out >= 0 && in >= 0 && ::dup2(out, STDOUT_FILENO) >= 0 && ::dup2(out, STDERR_FILENO) >= 0
        && ::dup2(in, STDIN_FILENO) >= 0) {
        ::close(out);
        ::close(in);
        try {
            code = run(runDir);
        } catch (const InputError& e) {
            std::fprintf(stderr, "minimascope-cli: %s\n", e.what());
            code = kBadInput;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "minimascope-cli: internal error: %s\n", e.what());
            code = kInternalError;
        }
    } else {
        // Still the study's own stderr: say why this run has no log.
        std::fprintf(stderr, "minimascope-cli: cannot write %s: %s\n", log.c_str(), std::strerror(errno));
        code = kBadInput;
    }
    std::fflush(nullptr);
    // No exit handlers or static destructors: they belong to the parent's state, copied.
    ::_exit(code);
}

std::string lastLineOf(const std::string& path)
{
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty())
            last = line;
    return last.size() > 300 ? last.substr(last.size() - 300) : last;
}

class LocalRunSlots : public RunSlots {
public:
    LocalRunSlots(int workers, std::string executable, ForkedRun forkedRun)
        : m_workers(workers), m_executable(std::move(executable)), m_forkedRun(std::move(forkedRun))
    {
    }
    ~LocalRunSlots() override { stopAll(); }

    int capacity() const override { return m_workers; }

    void start(const std::string& runDir) override
    {
        const pid_t pid = m_forkedRun && singleThreaded() ? forkChild(m_forkedRun, runDir)
                                                          : spawnChild(m_executable, runDir);
        m_children[pid] = runDir;
    }

    bool poll(std::string& runDir, int& waitStatus) override
    {
        for (auto it = m_children.begin(); it != m_children.end(); ++it) {
            const pid_t pid = ::waitpid(it->first, &waitStatus, WNOHANG);
            if (pid == it->first) {
                runDir = it->second;
                m_children.erase(it);
                return true;
            }
        }
        return false;
    }

    void stopAll() override
    {
        for (const auto& [pid, dir] : m_children)
            ::kill(pid, SIGTERM);
        for (const auto& [pid, dir] : m_children) {
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        }
        m_children.clear();
    }

private:
    int m_workers;
    std::string m_executable;
    ForkedRun m_forkedRun;
    std::map<pid_t, std::string> m_children;
};

}   // namespace

std::unique_ptr<RunSlots> localRunSlots(int workers, const std::string& executable, ForkedRun forkedRun)
{
    return std::make_unique<LocalRunSlots>(workers, executable, std::move(forkedRun));
}

std::string selfExecutable()
{
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        throw InputError("cannot find this program's own path (/proc/self/exe): " + error.message());
    return exe.string();
}

std::string describeProcessEnd(int waitStatus, const std::string& runDir)
{
    if (WIFSIGNALED(waitStatus)) {
        const int signal = WTERMSIG(waitStatus);
        return std::string("its process was killed by signal ") + std::to_string(signal) + " (" + strsignal(signal)
               + (signal == SIGKILL ? ": out of memory, or killed by hand)" : ")");
    }
    const std::string last = lastLineOf(runDir + "/log.txt");
    return "its process exited with code " + std::to_string(WEXITSTATUS(waitStatus))
           + (last.empty() ? std::string() : ": " + last);
}

}   // namespace minimascope::core
