#pragma once
// dataset.name "arrays": a classification set from the user's own arrays. `path` is one of
//   FILE.npz    numpy.savez(_compressed) with X (features) and y (labels), optionally X_test, y_test;
//   FOLDER      holding X.npy and y.npy, optionally X_test.npy and y_test.npy;
//   FILE.csv    a header line and one label column (`labelColumn`); the held-out set, if any, is
//               a second CSV of the same columns (`testPath`).
// X is [n, d] (features), [n, h, w] (one-channel images) or [n, c, h, w], of any float or
// integer dtype (converted to float32 as it is: scale images yourself); y is [n] integers.
// The classes are 0..k-1 with k = `numClasses`, or the largest label + 1 when that is 0.
// Errors: InputError naming the file for a missing file or array, mismatched lengths, non-finite
// features, labels that are not integers in 0..k-1, test features of another shape, a ragged CSV.
#include "data/Dataset.h"

#include <string>

namespace minimascope::core {

struct ArraySource {
    std::string path;
    std::string labelColumn = "label";
    std::string testPath;
    int64_t numClasses = 0;
};

// The whole training set and the held-out set (empty when there is none), before subsets.
DatasetPair loadArrayDatasets(const ArraySource& source);

// A classification set from a feature and a label tensor, with the checks above; `source`
// names the file (or files) in error messages and becomes the set's name.
Dataset makeArrayDataset(const at::Tensor& features, const at::Tensor& labels, int64_t numClasses,
                         const std::string& source);

}   // namespace minimascope::core
