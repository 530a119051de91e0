#include "data/FashionMnist.h"

#include "common/InputError.h"
#include "data/IdxFile.h"

#include <filesystem>
#include <string>
#include <vector>

namespace minimascope::core {

namespace {

constexpr int64_t kFashionMnistClasses = 10;
constexpr int64_t kSide = 28;
const char* const kName = "fashion-mnist";

// The uncompressed file when present (it loads faster), else the .gz one.
std::string locate(const std::string& dir, const std::string& base)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const std::string& candidate : {base, base + ".gz"}) {
        const fs::path path = fs::path(dir) / candidate;
        if (fs::is_regular_file(path, ec))
            return path.string();
    }
    throw InputError(dir + ": Fashion-MNIST file " + base + " (or " + base
                     + ".gz) is missing");
}

} // namespace

std::string defaultFashionMnistDir()
{
    return "/usr/share/datasets/fashion-mnist";
}

DatasetPair loadFashionMnist(const std::string& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw InputError(dir + ": Fashion-MNIST directory does not exist");
    // Locate all four first so that a missing file is reported before any is read.
    const std::string trainImages = locate(dir, "train-images-idx3-ubyte");
    const std::string trainLabels = locate(dir, "train-labels-idx1-ubyte");
    const std::string testImages = locate(dir, "t10k-images-idx3-ubyte");
    const std::string testLabels = locate(dir, "t10k-labels-idx1-ubyte");

    DatasetPair pair;
    pair.train = readIdxClassification(trainImages, trainLabels, kFashionMnistClasses, kName);
    pair.test = readIdxClassification(testImages, testLabels, kFashionMnistClasses, kName);
    // Models are built for 28x28 inputs; other IDX images in this directory are a mistake.
    const std::vector<int64_t> expected = {1, kSide, kSide};
    if (pair.train.inputShape != expected)
        throw InputError(trainImages + ": Fashion-MNIST images must be 28x28");
    if (pair.test.inputShape != expected)
        throw InputError(testImages + ": Fashion-MNIST images must be 28x28");
    return pair;
}

} // namespace minimascope::core
