#include "study/RunSlots.h"

#include "common/InputError.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include <fcntl.h>
#include <signal.h>
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
    LocalRunSlots(int workers, std::string executable) : m_workers(workers), m_executable(std::move(executable)) {}
    ~LocalRunSlots() override { stopAll(); }

    int capacity() const override { return m_workers; }

    void start(const std::string& runDir) override { m_children[spawnChild(m_executable, runDir)] = runDir; }

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
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
        m_children.clear();
    }

private:
    int m_workers;
    std::string m_executable;
    std::map<pid_t, std::string> m_children;
};

} // namespace

std::unique_ptr<RunSlots> localRunSlots(int workers, const std::string& executable)
{
    return std::make_unique<LocalRunSlots>(workers, executable);
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
        return std::string("its process was killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) +
               (signal == SIGKILL ? ": out of memory, or killed by hand)" : ")");
    }
    const std::string last = lastLineOf(runDir + "/log.txt");
    return "its process exited with code " + std::to_string(WEXITSTATUS(waitStatus)) +
           (last.empty() ? std::string() : ": " + last);
}

} // namespace minimascope::core
