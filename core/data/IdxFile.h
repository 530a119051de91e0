#pragma once
// Reader and writer for the IDX format of MNIST and Fashion-MNIST (big-endian header:
// two zero bytes, a type code, the number of dimensions, then each dimension as uint32).
// Gzip-compressed files (recognised by their content) are read through zlib. Only unsigned-byte data (type 0x08) is
// used by these data sets and only that is accepted. Errors: every malformed file throws InputError naming the file and
// the problem (bad magic, unsupported type, dimensions that do not match the data size, truncated, not gzip when named
// .gz). Never returns a partially filled tensor.
#include <ATen/core/Tensor.h>

#include <string>

namespace minimascope::core {

// readIdx reads everything.
constexpr int64_t kAllRecords = -1;

// Returns a uint8 tensor with the file's dimensions, or only its first `maxRecords` records (the
// first dimension): then the file is read, and inflated, only that far, which makes a run on the
// first 1000 of 60,000 images start in milliseconds; what follows those records is not checked.
at::Tensor readIdx(const std::string& path, int64_t maxRecords = kAllRecords);

// Writes a uint8 tensor (any number of dimensions, 1 to 4) as IDX; gzip-compressed when
// the path ends in ".gz". Throws InputError when the file cannot be written.
void writeIdx(const std::string& path, const at::Tensor& data);

// Reads an image file and its label file as a classification data set with pixels scaled
// to [0, 1] (float32 [n, 1, rows, cols]) and labels int64 [n]. Checks that both have the
// same count and that every label is below numClasses. With maxExamples, only the first
// maxExamples of each (readIdx).
struct Dataset;
Dataset readIdxClassification(const std::string& imagesPath, const std::string& labelsPath, int64_t numClasses,
                              const std::string& name, int64_t maxExamples = kAllRecords);

}   // namespace minimascope::core
