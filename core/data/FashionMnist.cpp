#include "data/FashionMnist.h"

#include "common/InputError.h"

#include <filesystem>
#include <string>
#include <vector>

namespace minimascope::core {

namespace {

constexpr int64_t kFashionMnistClasses = 10;
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
                     + ".gz) is missing (an IDX folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                     + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz)");
}

}   // namespace

std::string defaultFashionMnistDir() { return "/usr/share/datasets/fashion-mnist"; }

DatasetPair loadFashionMnist(const std::string& dir, int64_t maxTrain, int64_t maxTest)
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
    pair.train = readIdxClassification(trainImages, trainLabels, kFashionMnistClasses, kName, maxTrain);
    pair.test = readIdxClassification(testImages, testLabels, kFashionMnistClasses, kName, maxTest);
    // The image size is the IDX header's (MNIST, KMNIST and Fashion-MNIST are 28x28, other sets
    // may differ: the models size themselves from it); the two halves must agree.
    if (pair.test.inputShape != pair.train.inputShape)
        throw InputError(testImages + ": images of " + std::to_string(pair.test.inputShape[1]) + "x"
                         + std::to_string(pair.test.inputShape[2]) + " pixels, but " + trainImages + " holds "
                         + std::to_string(pair.train.inputShape[1]) + "x" + std::to_string(pair.train.inputShape[2]));
    return pair;
}

}   // namespace minimascope::core
