#include "FuzzTargets.h"

#include "common/InputError.h"
#include "data/CsvTable.h"
#include "data/IdxFile.h"
#include "data/NpzFile.h"
#include "io/Npy.h"
#include "io/StrictJson.h"
#include "io/TensorFolder.h"
#include "train/RunConfig.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace minimascope::fuzz {

namespace {

using core::InputError;

// A folder of this process's own under the system's temporary directory, removed at exit, for
// the parsers that read a path. It holds tensors/x.npy, a valid float32 [1] tensor (the escape
// toy's parameter), so that an index.json naming it reaches the shape and dtype checks.
class FuzzScratch {
public:
    FuzzScratch()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "minimascope-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("cannot create a scratch folder " + pattern + ": " + std::strerror(errno));
        m_dir = pattern;
        std::filesystem::create_directory(m_dir / "tensors");
        core::writeNpy((m_dir / "tensors" / "x.npy").string(), at::full({1}, 0.5f, at::kFloat));
    }
    ~FuzzScratch()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }
    FuzzScratch(const FuzzScratch&) = delete;
    FuzzScratch& operator=(const FuzzScratch&) = delete;

    // Writes the bytes to `relative` in the folder and returns its path.
    std::string write(const std::string& relative, const uint8_t* data, size_t size) const
    {
        const std::filesystem::path path = m_dir / relative;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        out.close();
        if (!out)
            throw std::runtime_error("cannot write the fuzz input to " + path.string());
        return path.string();
    }
    std::string path(const std::string& relative) const { return (m_dir / relative).string(); }

private:
    std::filesystem::path m_dir;
};

const FuzzScratch& fuzzScratch()
{
    static const FuzzScratch scratch;
    return scratch;
}

[[noreturn]] void brokenInvariant(const std::string& what) { throw std::logic_error("fuzz invariant broken: " + what); }

// Runs `parse`, swallowing the InputError that bad input is documented to give. Its message must
// stay short: it quotes excerpts of the input, never the input (issue 15: a 50 MB value once
// made a 52 MB message). The paths here are short; excerpts are at most a few hundred characters.
template <typename Parse> void expectingInputError(Parse&& parse)
{
    constexpr size_t kMaxMessage = 2000;
    try {
        parse();
    } catch (const InputError& e) {
        const size_t length = std::strlen(e.what());
        if (length > kMaxMessage)
            brokenInvariant("an InputError message of " + std::to_string(length)
                            + " characters (it echoes the "
                              "input): "
                            + std::string(e.what(), 200) + "...");
    }
}

}   // namespace

int fuzzIdx(const uint8_t* data, size_t size)
{
    const std::string path = fuzzScratch().write("input-idx", data, size);
    expectingInputError([&] {
        const at::Tensor all = core::readIdx(path);
        if (all.scalar_type() != at::kByte || all.dim() < 1 || all.dim() > 4)
            brokenInvariant("readIdx returned a tensor that is not uint8 with 1 to 4 dimensions");
    });
    // The head read stops early, in the file and in the gzip stream: a path of its own.
    constexpr int64_t kHeadRecords = 2;
    expectingInputError([&] {
        const at::Tensor head = core::readIdx(path, kHeadRecords);
        if (head.dim() < 1 || head.size(0) > kHeadRecords)
            brokenInvariant("readIdx(path, 2) returned more than 2 records");
    });
    return 0;
}

int fuzzNpy(const uint8_t* data, size_t size)
{
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    expectingInputError([&] {
        const at::Tensor decoded = core::decodeNpy(bytes, "input.npy");
        // What was read must write and read back to the same bytes (NaN payloads included).
        const at::Tensor again = core::decodeNpy(core::encodeNpy(decoded), "re-encoded input.npy");
        if (again.sizes() != decoded.sizes() || again.scalar_type() != decoded.scalar_type()
            || (decoded.nbytes() > 0 && std::memcmp(again.data_ptr(), decoded.data_ptr(), decoded.nbytes()) != 0))
            brokenInvariant("a decoded .npy does not survive encodeNpy + decodeNpy");
    });
    return 0;
}

int fuzzNpz(const uint8_t* data, size_t size)
{
    const std::string path = fuzzScratch().write("input.npz", data, size);
    expectingInputError([&] { core::readNpz(path); });
    return 0;
}

int fuzzRunConfig(const uint8_t* data, size_t size)
{
    // loadRunConfig without the file read (core/io/AtomicFile's readWholeFile, which only caps the size).
    const std::string text(reinterpret_cast<const char*>(data), size);
    expectingInputError([&] {
        const core::RunConfig config = core::RunConfig::fromJson(core::parseStrictJson(text, "config.json"));
        // The resolved form is what a run folder keeps: it must read back (the config of a
        // run reruns it).
        core::RunConfig::fromJson(core::parseStrictJson(config.toJson().dump(), "resolved config.json"));
    });
    return 0;
}

int fuzzTensorIndex(const uint8_t* data, size_t size)
{
    fuzzScratch().write("tensors/index.json", data, size);
    const std::string dir = fuzzScratch().path("tensors");
    expectingInputError([&] { core::readTensorFolder(dir); });
    expectingInputError([&] { core::readTensorFolder(dir, "fuzz-run"); });
    return 0;
}

int fuzzCsv(const uint8_t* data, size_t size)
{
    const std::string path = fuzzScratch().write("input.csv", data, size);
    expectingInputError([&] {
        const core::LabelledTable table = core::readLabelledCsv(path, "label");
        if (table.features.dim() != 2 || table.labels.dim() != 1 || table.features.size(0) != table.labels.size(0))
            brokenInvariant("readLabelledCsv returned features and labels of different row counts");
    });
    return 0;
}

const std::vector<FuzzTarget>& fuzzTargets()
{
    static const std::vector<FuzzTarget> targets{
        {"idx", &fuzzIdx},
        {"npy", &fuzzNpy},
        {"npz", &fuzzNpz},
        {"run_config", &fuzzRunConfig},
        {"tensor_index", &fuzzTensorIndex},
        {"csv", &fuzzCsv},
    };
    return targets;
}

const FuzzTarget& fuzzTarget(const std::string& name)
{
    for (const FuzzTarget& target : fuzzTargets())
        if (name == target.name)
            return target;
    throw std::invalid_argument("no fuzz target called '" + name + "'");
}

}   // namespace minimascope::fuzz
