#pragma once
// The parsers of files a user may be handed (IDX, .npy, .npz, run configs, tensor folders'
// index.json, CSV tables), one plain function each, so that the same code runs under libFuzzer
// (FuzzMain.cpp, clang only) and in the GCC suite TestFuzzCorpus, which replays the committed
// corpora fuzz/corpus/<name>/ and so keeps what the fuzzers found (docs/development.md, "Fuzzing").
//
// Each function feeds the bytes to the real parser as the program does (through a file in a
// scratch folder when the parser reads a path) and returns 0. InputError, the parsers' documented
// answer to bad input, is swallowed; anything else escapes and is a finding: another exception
// type (including std::logic_error thrown here when a parsed result breaks an invariant), a crash,
// a sanitizer report, an allocation beyond libFuzzer's limit. Not thread-safe (one scratch folder
// per process, reused by every call).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::fuzz {

int fuzzIdx(const uint8_t* data, size_t size);           // core/data/IdxFile: readIdx, all and the first records
int fuzzNpy(const uint8_t* data, size_t size);           // core/io/Npy: decodeNpy, and a re-encoded round trip
int fuzzNpz(const uint8_t* data, size_t size);           // core/data/NpzFile: readNpz
int fuzzRunConfig(const uint8_t* data, size_t size);     // a config file's text: parseStrictJson + RunConfig::fromJson
int fuzzTensorIndex(const uint8_t* data, size_t size);   // core/io/TensorFolder: index.json beside a valid x.npy
int fuzzCsv(const uint8_t* data, size_t size);           // core/data/CsvTable: readLabelledCsv, label column "label"

struct FuzzTarget {
    const char* name;   // the corpus folder fuzz/corpus/<name>/ and the program minimascope-fuzz-<name>
    int (*run)(const uint8_t* data, size_t size);
};

const std::vector<FuzzTarget>& fuzzTargets();
// The target called `name`; throws std::invalid_argument for an unknown name.
const FuzzTarget& fuzzTarget(const std::string& name);

}   // namespace minimascope::fuzz
