#pragma once
// A CSV log that a kill -9 cannot spoil: a header line, then one row at a time, each handed to
// the kernel as it is appended (a killed process loses at most the row it was writing; a power
// cut, what came after the last sync()). Every row ends with the run id, so that rows of two
// runs are never mixed unnoticed. Readers skip a torn last line and refuse a foreign run id.
// Not thread-safe: one writer per file. Errors throw InputError naming the file.
#include <string>
#include <vector>

namespace minimascope::core {

class CsvLogWriter {
public:
    // Creates (or truncates) `path` and writes `header` (column names without run_id).
    CsvLogWriter(std::string path, const std::string& header, std::string runId);
    ~CsvLogWriter();
    CsvLogWriter(const CsvLogWriter&) = delete;
    CsvLogWriter& operator=(const CsvLogWriter&) = delete;

    // One row: `fields` is the comma-separated values of the header's columns.
    void append(const std::string& fields);
    // Forces what was appended to the disk (fdatasync), for checkpoints and the run's end.
    void sync();

private:
    void writeLine(const std::string& line);

    std::string m_path;
    std::string m_runId;
    int m_fd = -1;
};

struct CsvLog {
    std::string header;                           // the header found (without run_id)
    std::vector<std::vector<std::string>> rows;   // fields of each complete row, run id removed
    bool tornLastLine = false;                    // the writer was stopped mid-row
};

// Reads a log CsvLogWriter wrote with `header`, or with one of `olderHeaders` (the layouts of
// earlier versions, whose rows have their own number of fields). Throws InputError when the file
// is missing, its header is none of these, a row other than the last is malformed, or a row's run
// id is not runId.
CsvLog readCsvLog(const std::string& path, const std::string& header, const std::string& runId,
                  const std::vector<std::string>& olderHeaders = {});

}   // namespace minimascope::core
