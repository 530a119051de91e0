#include "io/TensorFolder.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "io/StrictJson.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>

namespace minimascope::core {

namespace {

constexpr const char* kIndexName = "index.json";
constexpr const char* kFormat = "minimascope-tensors";
constexpr int kVersion = 1;

// NumPy's names, so that a Python reader can pass them to np.dtype() as they are.
std::string dtypeName(at::ScalarType type)
{
    switch (type) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    default: throw std::invalid_argument(std::string("writeTensorFolder: unsupported dtype ") + c10::toString(type));
    }
}

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// "<name>.npy" with anything but [A-Za-z0-9._-] replaced by '_'. Names that collide after
// that, or that differ only in case (which a case-insensitive filesystem would merge), get
// "-2", "-3", ... appended.
std::string fileNameFor(const std::string& name, std::set<std::string>& usedLowercase)
{
    std::string stem = name.empty() ? "_" : name;
    for (char& c : stem) {
        const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                             || c == '_' || c == '-';
        if (!allowed)
            c = '_';
    }
    std::string file = stem + ".npy";
    for (int suffix = 2; !usedLowercase.insert(lowercase(file)).second; ++suffix)
        file = stem + "-" + std::to_string(suffix) + ".npy";
    return file;
}

std::string joinPath(const std::string& dir, const std::string& file)
{
    return (std::filesystem::path(dir) / file).string();
}

// Access to one index entry that turns a missing or mistyped key into an InputError.
template <typename T> T field(const nlohmann::json& object, const char* key, const std::string& where)
{
    const auto it = object.find(key);
    if (it == object.end())
        throw InputError(where + ": missing key '" + key + "'");
    try {
        return it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw InputError(where + ": key '" + key + "' has the wrong type");
    }
}

// A count or a dimension: get<int>() would truncate 1.5, wrap 2^32 + 1 into 1 and convert 1e300
// with undefined behaviour (UBSan under the fuzz harness: fuzz/corpus/tensor_index/ubsan-*).
int64_t naturalNumber(const nlohmann::json& value, const char* key, const std::string& where)
{
    const bool valid = value.is_number_unsigned()
                           ? value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                           : value.is_number_integer() && value.get<int64_t>() >= 0;
    if (!valid)
        throw InputError(where + ": key '" + key + "' has the wrong type (it holds non-negative integers, got "
                         + describeJsonValue(value) + ")");
    return value.get<int64_t>();
}

}   // namespace

void writeTensorFolder(const std::string& dir, const std::vector<NamedTensor>& tensors, const std::string& runId)
{
    // Everything that can be rejected is checked before the first byte is written.
    std::set<std::string> usedLowercase{lowercase(kIndexName)};
    std::vector<at::Tensor> values;
    std::vector<std::string> files;
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const NamedTensor& tensor : tensors) {
        if (!tensor.value.defined())
            throw std::invalid_argument("writeTensorFolder: '" + tensor.name + "' has no value");
        const at::Tensor& value = values.emplace_back(tensor.value.detach().to(at::kCPU).contiguous());
        nlohmann::ordered_json entry;
        entry["name"] = tensor.name;
        entry["kind"] = tensor.kind;
        entry["file"] = files.emplace_back(fileNameFor(tensor.name, usedLowercase));
        entry["shape"] = std::vector<int64_t>(value.sizes().begin(), value.sizes().end());
        entry["dtype"] = dtypeName(value.scalar_type());
        entries.push_back(std::move(entry));
    }

    nlohmann::ordered_json index;
    index["format"] = kFormat;
    index["version"] = kVersion;
    if (!runId.empty())
        index["run_id"] = runId;
    index["tensors"] = std::move(entries);
    // dump() throws for names that are not valid UTF-8, so this too happens before writing.
    const std::string indexText = index.dump(2) + "\n";

    ensureDirectory(dir);
    for (std::size_t i = 0; i < values.size(); ++i)
        writeNpy(joinPath(dir, files[i]), values[i]);
    // Written last: a failure part-way leaves the previous index (or none), never one that
    // lists files not written yet.
    writeFileAtomically(joinPath(dir, kIndexName), indexText);
}

std::vector<NamedTensor> readTensorFolder(const std::string& dir, const std::string& expectedRunId)
{
    const std::string indexPath = joinPath(dir, kIndexName);
    const nlohmann::json index = parseStrictJson(readWholeFile(indexPath), indexPath);
    if (!index.is_object())
        throw InputError(indexPath + ": expected a JSON object");
    if (field<std::string>(index, "format", indexPath) != kFormat)
        throw InputError(indexPath + ": not a MinimaScope tensor folder (format is not '" + kFormat + "')");
    const int64_t version = naturalNumber(field<nlohmann::json>(index, "version", indexPath), "version", indexPath);
    if (version != kVersion)
        throw InputError(indexPath + ": unsupported version " + std::to_string(version));
    if (!expectedRunId.empty()) {
        const auto runId = index.find("run_id");
        if (runId == index.end() || !runId->is_string() || runId->get<std::string>() != expectedRunId)
            throw InputError(indexPath + ": these tensors belong to "
                             + (runId != index.end() && runId->is_string()
                                    ? "run " + excerptForMessage(runId->get<std::string>())
                                    : std::string("no run"))
                             + ", not to run " + expectedRunId + " (files of two runs are mixed in this folder)");
    }
    const auto entries = field<std::vector<nlohmann::json>>(index, "tensors", indexPath);

    std::vector<NamedTensor> tensors;
    tensors.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const nlohmann::json& entry = entries[i];
        const std::string where = indexPath + ": tensors[" + std::to_string(i) + "]";
        if (!entry.is_object())
            throw InputError(where + ": expected a JSON object");
        NamedTensor tensor;
        tensor.name = field<std::string>(entry, "name", where);
        tensor.kind = field<std::string>(entry, "kind", where);
        const auto file = field<std::string>(entry, "file", where);
        std::vector<int64_t> shape;
        for (const nlohmann::json& dim : field<std::vector<nlohmann::json>>(entry, "shape", where))
            shape.push_back(naturalNumber(dim, "shape", where));
        const auto dtype = field<std::string>(entry, "dtype", where);
        // Names and files are echoed cut short: an index may hold anything.
        const std::string fileText = excerptForMessage(file);
        // A plain name inside the folder: an index must not make us read files elsewhere.
        if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos)
            throw InputError(where + ": file '" + fileText + "' is not a file name in the folder");

        tensor.value = readNpy(joinPath(dir, file));
        const std::string nameText = excerptForMessage(tensor.name);
        if (tensor.value.sizes() != c10::IntArrayRef(shape))
            throw InputError(where + ": '" + nameText + "' has shape " + c10::str(c10::IntArrayRef(shape))
                             + " in the index but " + c10::str(tensor.value.sizes()) + " in " + fileText);
        if (dtypeName(tensor.value.scalar_type()) != dtype)
            throw InputError(where + ": '" + nameText + "' has dtype " + excerptForMessage(dtype) + " in the index but "
                             + dtypeName(tensor.value.scalar_type()) + " in " + fileText);
        tensors.push_back(std::move(tensor));
    }
    return tensors;
}

}   // namespace minimascope::core
