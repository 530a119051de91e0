#include "io/CsvLog.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace minimascope::core {

namespace {

constexpr const char* kRunIdColumn = "run_id";

std::vector<std::string> splitFields(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    std::istringstream stream(line);
    while (std::getline(stream, field, ','))
        fields.push_back(field);
    if (!line.empty() && line.back() == ',')
        fields.emplace_back();
    return fields;
}

}   // namespace

CsvLogWriter::CsvLogWriter(std::string path, const std::string& header, std::string runId)
    : m_path(std::move(path)), m_runId(std::move(runId))
{
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
    if (m_fd < 0)
        throw InputError("cannot write " + m_path + ": " + std::strerror(errno));
    writeLine(header + "," + kRunIdColumn + "\n");
}

CsvLogWriter::~CsvLogWriter()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void CsvLogWriter::append(const std::string& fields) { writeLine(fields + "," + m_runId + "\n"); }

// One write() per line where it fits: the kernel has the whole row before the next one starts.
void CsvLogWriter::writeLine(const std::string& line)
{
    const char* data = line.data();
    size_t left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(m_fd, data, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            throw InputError("cannot write " + m_path + ": " + std::strerror(written < 0 ? errno : ENOSPC));
        data += written;
        left -= static_cast<size_t>(written);
    }
}

void CsvLogWriter::sync()
{
    if (::fdatasync(m_fd) != 0)
        throw InputError("cannot write " + m_path + ": " + std::strerror(errno));
}

CsvLog readCsvLog(const std::string& path, const std::string& header, const std::string& runId,
                  const std::vector<std::string>& olderHeaders)
{
    const std::string text = readWholeFile(path);
    CsvLog log;
    const std::string expectedHeader = header + "," + kRunIdColumn;
    size_t columns = splitFields(expectedHeader).size();
    size_t begin = 0;
    int64_t lineNumber = 0;
    while (begin < text.size()) {
        const size_t end = text.find('\n', begin);
        const bool complete = end != std::string::npos;
        const std::string line = text.substr(begin, complete ? end - begin : std::string::npos);
        begin = complete ? end + 1 : text.size();
        ++lineNumber;
        const bool last = begin >= text.size();
        const std::string where = path + ", line " + std::to_string(lineNumber);
        if (lineNumber == 1) {
            log.header = header;
            for (const std::string& older : olderHeaders)
                if (complete && line == older + "," + kRunIdColumn)
                    log.header = older;
            if (!complete || line != log.header + "," + kRunIdColumn)
                throw InputError(path + ": not a log with the columns " + expectedHeader);
            columns = splitFields(line).size();
            continue;
        }
        std::vector<std::string> fields = splitFields(line);
        if (!complete || fields.size() != columns) {
            if (last) {
                log.tornLastLine = true;
                break;
            }
            throw InputError(where + ": expected " + std::to_string(columns) + " fields, found "
                             + std::to_string(fields.size()));
        }
        if (fields.back() != runId)
            throw InputError(where + ": the row belongs to run " + fields.back() + ", not to run " + runId
                             + " (files of two runs are mixed in this folder)");
        fields.pop_back();
        log.rows.push_back(std::move(fields));
    }
    if (lineNumber == 0)
        throw InputError(path + ": empty (not a log with the columns " + expectedHeader + ")");
    return log;
}

}   // namespace minimascope::core
