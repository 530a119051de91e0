#include "data/CsvTable.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/StrictJson.h"

#include <ATen/ops/tensor.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace minimascope::core {

namespace {

// A CSV of a 16 GiB float data set is far larger than its binary form; this bounds the memory.
constexpr std::size_t kMaxCsvBytes = std::size_t{4} << 30;

std::string trim(const std::string& text)
{
    const size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos)
        return {};
    const size_t last = text.find_last_not_of(" \t\r");
    std::string out = text.substr(first, last - first + 1);
    if (out.size() >= 2 && out.front() == '"' && out.back() == '"')
        out = out.substr(1, out.size() - 2);
    return out;
}

std::vector<std::string> splitFields(const std::string& line)
{
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        if (c == ',' && !quoted) {
            fields.push_back(trim(field));
            field.clear();
        } else {
            field += c;
        }
    }
    fields.push_back(trim(field));
    return fields;
}

bool parseNumber(const std::string& text, double& value)
{
    if (text.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && errno != ERANGE;
}

}   // namespace

LabelledTable readLabelledCsv(const std::string& path, const std::string& labelColumn)
{
    std::istringstream in(readWholeFile(path, kMaxCsvBytes));
    std::string line;
    int64_t lineNumber = 0;
    std::vector<std::string> header;
    while (header.empty() && std::getline(in, line)) {
        ++lineNumber;
        if (!trim(line).empty())
            header = splitFields(line);
    }
    if (header.empty())
        throw InputError(path + ": the CSV file is empty (it needs a header line naming the columns)");
    size_t labelIndex = header.size();
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == labelColumn)
            labelIndex = i;
    if (labelIndex == header.size()) {
        std::string names;
        for (const std::string& name : header)
            names += (names.empty() ? "'" : ", '") + name + "'";
        // Fields and names are echoed cut short: a line may be megabytes long.
        throw InputError(path + ": no label column '" + excerptForMessage(labelColumn) + "' in the header (columns: "
                         + excerptForMessage(names, 200) + "; set dataset.label_column)");
    }
    if (header.size() < 2)
        throw InputError(path + ": the CSV file has a label column but no feature columns");

    std::vector<float> features;
    std::vector<int64_t> labels;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (trim(line).empty())
            continue;
        const std::vector<std::string> fields = splitFields(line);
        const std::string where = path + " line " + std::to_string(lineNumber);
        if (fields.size() != header.size())
            throw InputError(where + ": " + std::to_string(fields.size()) + " fields but the header has "
                             + std::to_string(header.size()) + " (a ragged CSV)");
        for (size_t i = 0; i < fields.size(); ++i) {
            double value = 0.0;
            if (!parseNumber(fields[i], value))
                throw InputError(where + ", column '" + excerptForMessage(header[i]) + "': '"
                                 + excerptForMessage(fields[i]) + "' is not a number");
            if (i != labelIndex) {
                features.push_back(static_cast<float>(value));
            } else if (!(std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)) {
                throw InputError(where + ": label '" + excerptForMessage(fields[i])
                                 + "' is not an integer (labels are classes 0..k-1)");
            } else {
                labels.push_back(static_cast<int64_t>(value));
            }
        }
    }
    if (labels.empty())
        throw InputError(path + ": the CSV file has a header but no rows");
    const auto rows = static_cast<int64_t>(labels.size());
    LabelledTable table;
    table.features = at::tensor(features, at::kFloat).view({rows, static_cast<int64_t>(header.size()) - 1});
    table.labels = at::tensor(labels, at::kLong);
    return table;
}

}   // namespace minimascope::core
