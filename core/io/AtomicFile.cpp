#include "io/AtomicFile.h"

#include "common/InputError.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace minimascope::core {

namespace {

[[noreturn]] void throwWriteError(const std::string& path, int error)
{
    throw InputError("cannot write " + path + ": " + std::strerror(error));
}

// Creates "<path>.tmp-<pid>-<random>" exclusively, so that two writers (two processes or
// two threads) never share a temporary file. Returns the descriptor and sets `tempPath`.
int createTempFile(const std::string& path, std::string& tempPath)
{
    std::random_device entropy;
    const std::string prefix = path + ".tmp-" + std::to_string(::getpid()) + "-";
    for (int attempt = 0; attempt < 16; ++attempt) {
        tempPath = prefix + std::to_string(entropy());
        const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            throwWriteError(path, errno);
    }
    throwWriteError(path, EEXIST);
}

// write() may write fewer bytes than asked (a full disk reports the rest as ENOSPC on the
// next call), so loop until everything is written or an error is returned.
int writeAll(int fd, std::string_view content)
{
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (written == 0)
            return ENOSPC;
        data += written;
        left -= static_cast<std::size_t>(written);
    }
    return 0;
}

}   // namespace

void writeFileAtomically(const std::string& path, std::string_view content)
{
    std::string tempPath;
    const int fd = createTempFile(path, tempPath);

    int error = writeAll(fd, content);
    // fsync before rename: otherwise a crash can leave the new name pointing at an empty
    // file on filesystems that commit the rename before the data.
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    // close() is where some filesystems (NFS) report a failed write.
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error == 0 && ::rename(tempPath.c_str(), path.c_str()) != 0)
        error = errno;
    if (error != 0) {
        ::unlink(tempPath.c_str());
        throwWriteError(path, error);
    }
}

void ensureDirectory(const std::string& path)
{
    if (path.empty())
        throw InputError("cannot create a directory with an empty name");
    std::error_code createError;
    std::filesystem::create_directories(path, createError);
    // Judge by the outcome rather than by createError: it is also set when the directory
    // appeared concurrently, and the non-throwing status() keeps EACCES an InputError.
    std::error_code statError;
    const auto status = std::filesystem::status(path, statError);
    if (std::filesystem::is_directory(status))
        return;
    if (std::filesystem::exists(status))
        throw InputError("cannot create directory " + path + ": it exists and is not a directory");
    const std::error_code& error = createError ? createError : statError;
    throw InputError("cannot create directory " + path + ": " + error.message());
}

std::string readWholeFile(const std::string& path, std::size_t maxBytes)
{
    // O_NONBLOCK for open() alone: a FIFO without a writer would block it forever. Reads block
    // as usual after it (and see the end of the file when no writer is there).
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw InputError("cannot read " + path + ": " + std::strerror(errno));
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        const int error = errno;
        ::close(fd);
        throw InputError("cannot read " + path + ": " + std::strerror(error));
    }
    const auto tooLarge = [&] {
        ::close(fd);
        throw InputError("cannot read " + path + ": larger than the limit of " + std::to_string(maxBytes)
                         + " bytes for this kind of file");
    };

    std::string content;
    struct stat info { };
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        if (static_cast<std::size_t>(info.st_size) > maxBytes)
            tooLarge();
        content.reserve(static_cast<std::size_t>(info.st_size));
    }

    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            ::close(fd);
            throw InputError("cannot read " + path + ": " + std::strerror(error));
        }
        if (got == 0)
            break;
        // Also for regular files: one may grow while it is read.
        if (static_cast<std::size_t>(got) > maxBytes - content.size())
            tooLarge();
        content.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return content;
}

}   // namespace minimascope::core
