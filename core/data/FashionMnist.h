#pragma once
// Locating and loading Fashion-MNIST (60,000 training and 10,000 test 28x28 images, 10 classes).
// The Debian package dataset-fashion-mnist installs it in defaultFashionMnistDir(); a user
// may point elsewhere. Accepts the standard file names, gzip-compressed or not.
#include "data/Dataset.h"
#include "data/IdxFile.h"

#include <string>

namespace minimascope::core {

std::string defaultFashionMnistDir();   // "/usr/share/datasets/fashion-mnist"

// Throws InputError naming the directory and the missing file when it is not there. With limits,
// only the first maxTrain training and maxTest test examples are read (readIdx).
DatasetPair loadFashionMnist(const std::string& dir, int64_t maxTrain = kAllRecords, int64_t maxTest = kAllRecords);

}   // namespace minimascope::core
