#include "data/ArrayDataset.h"

#include "common/InputError.h"
#include "data/CsvTable.h"
#include "data/NpzFile.h"
#include "io/Npy.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace minimascope::core {

namespace fs = std::filesystem;

namespace {

bool hasSuffix(const std::string& text, const std::string& suffix)
{
    if (text.size() < suffix.size())
        return false;
    std::string tail = text.substr(text.size() - suffix.size());
    std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
    return tail == suffix;
}

std::vector<int64_t> exampleShape(const at::Tensor& x, const std::string& source)
{
    switch (x.dim()) {
    case 2: return {x.size(1)};
    case 3: return {1, x.size(1), x.size(2)};
    case 4: return {x.size(1), x.size(2), x.size(3)};
    default:
        throw InputError(source + ": X has " + std::to_string(x.dim())
                         + " dimensions; it must be [n, features], [n, height, width] or [n, channels, height, width]");
    }
}

// The largest label of a set (its labels already checked to be non-negative integers).
int64_t largestLabel(const at::Tensor& labels) { return labels.numel() == 0 ? -1 : labels.max().item<int64_t>(); }

at::Tensor integerLabels(const at::Tensor& y, const std::string& source)
{
    if (y.dim() != 1 && !(y.dim() == 2 && y.size(1) == 1))
        throw InputError(source + ": y must be one label per example ([n]), it has shape " + c10::str(y.sizes()));
    const at::Tensor flat = y.reshape({-1});
    if (at::isFloatingType(flat.scalar_type())) {
        const at::Tensor integral = at::isfinite(flat).logical_and(flat.eq(flat.floor()));
        if (!integral.all().item<bool>()) {
            const int64_t first = integral.logical_not().nonzero().view({-1})[0].item<int64_t>();
            throw InputError(source + ": label " + c10::str(flat[first].item<double>()) + " at index "
                             + std::to_string(first) + " is not an integer (labels are classes 0..k-1)");
        }
    }
    return flat.to(at::kLong);
}

DatasetPair fromFolder(const ArraySource& s)
{
    const auto file = [&](const char* name) { return (fs::path(s.path) / name).string(); };
    std::error_code ec;
    for (const char* required : {"X.npy", "y.npy"})
        if (!fs::is_regular_file(file(required), ec))
            throw InputError(s.path + ": the folder has no " + required
                             + " (an arrays folder holds X.npy and y.npy, optionally X_test.npy and y_test.npy)");
    const bool hasTestX = fs::is_regular_file(file("X_test.npy"), ec);
    const bool hasTestY = fs::is_regular_file(file("y_test.npy"), ec);
    if (hasTestX != hasTestY)
        throw InputError(s.path + ": " + (hasTestX ? "X_test.npy has no y_test.npy" : "y_test.npy has no X_test.npy"));
    DatasetPair pair;
    pair.train = makeArrayDataset(readNpy(file("X.npy")), readNpy(file("y.npy")), s.numClasses,
                                  file("X.npy") + " / y.npy");
    if (hasTestX)
        pair.test = makeArrayDataset(readNpy(file("X_test.npy")), readNpy(file("y_test.npy")), s.numClasses,
                                     file("X_test.npy") + " / y_test.npy");
    return pair;
}

DatasetPair fromNpz(const ArraySource& s)
{
    const std::map<std::string, at::Tensor> arrays = readNpz(s.path);
    const auto get = [&](const std::string& name) {
        const auto it = arrays.find(name);
        if (it != arrays.end())
            return it->second;
        std::string names;
        for (const auto& entry : arrays)
            names += (names.empty() ? "" : ", ") + entry.first;
        throw InputError(s.path + ": no array '" + name + "' in the archive (it holds: "
                         + (names.empty() ? "nothing" : names) + "; save with numpy.savez(path, X=..., y=...))");
    };
    DatasetPair pair;
    pair.train = makeArrayDataset(get("X"), get("y"), s.numClasses, s.path + " (X, y)");
    if (arrays.count("X_test") > 0 || arrays.count("y_test") > 0)
        pair.test = makeArrayDataset(get("X_test"), get("y_test"), s.numClasses, s.path + " (X_test, y_test)");
    return pair;
}

DatasetPair fromCsv(const ArraySource& s)
{
    DatasetPair pair;
    const LabelledTable train = readLabelledCsv(s.path, s.labelColumn);
    pair.train = makeArrayDataset(train.features, train.labels, s.numClasses, s.path);
    if (!s.testPath.empty()) {
        const LabelledTable test = readLabelledCsv(s.testPath, s.labelColumn);
        pair.test = makeArrayDataset(test.features, test.labels, s.numClasses, s.testPath);
    }
    return pair;
}

}   // namespace

Dataset makeArrayDataset(const at::Tensor& features, const at::Tensor& labels, int64_t numClasses,
                         const std::string& source)
{
    const std::vector<int64_t> shape = exampleShape(features, source);
    const at::Tensor y = integerLabels(labels, source);
    if (features.size(0) != y.size(0))
        throw InputError(source + ": X holds " + std::to_string(features.size(0)) + " examples but y holds "
                         + std::to_string(y.size(0)) + " labels");
    if (features.size(0) == 0)
        throw InputError(source + ": the arrays hold no examples");
    at::Tensor x = features.to(at::kFloat).contiguous();
    const at::Tensor finite = at::isfinite(x.view({x.size(0), -1})).all(1);
    if (!finite.all().item<bool>()) {
        const int64_t bad = finite.logical_not().sum().item<int64_t>();
        const int64_t first = finite.logical_not().nonzero().view({-1})[0].item<int64_t>();
        throw InputError(source + ": " + std::to_string(bad) + " examples have non-finite features (NaN or "
                         + "infinite), the first at index " + std::to_string(first));
    }
    if (!features.is_floating_point() && !at::equal(x.to(features.scalar_type()), features))
        throw InputError(source + ": X's integers do not fit float32 exactly");
    const int64_t k = numClasses > 0 ? numClasses : largestLabel(y) + 1;
    const at::Tensor outside = y.lt(0).logical_or(y.ge(k));
    if (outside.any().item<bool>()) {
        const int64_t first = outside.nonzero().view({-1})[0].item<int64_t>();
        throw InputError(source + ": label " + std::to_string(y[first].item<int64_t>()) + " at index "
                         + std::to_string(first) + " is outside 0.." + std::to_string(k - 1)
                         + (numClasses > 0 ? " (dataset.num_classes = " + std::to_string(numClasses) + ")"
                                           : " (labels must be classes 0..k-1)"));
    }
    if (k < 2)
        throw InputError(source + ": every label is 0; a classification set needs at least two classes");
    Dataset out;
    out.name = source;
    out.task = Task::Classification;
    out.inputs = x;
    out.targets = y.contiguous();
    out.numClasses = k;
    out.inputShape = shape;
    return out;
}

DatasetPair loadArrayDatasets(const ArraySource& source)
{
    if (source.path.empty())
        throw InputError("dataset.path", "dataset 'arrays' needs dataset.path: a .npz file, a folder with X.npy and "
                                         "y.npy, or a .csv file");
    std::error_code ec;
    if (!fs::exists(source.path, ec))
        throw InputError("dataset.path", source.path + ": does not exist");
    if (!source.testPath.empty() && !hasSuffix(source.path, ".csv"))
        throw InputError("dataset.test_path", "dataset.test_path is for CSV files; a .npz file or a folder holds its "
                                              "held-out set as X_test and y_test");
    DatasetPair pair;
    if (fs::is_directory(source.path, ec))
        pair = fromFolder(source);
    else if (hasSuffix(source.path, ".npz"))
        pair = fromNpz(source);
    else if (hasSuffix(source.path, ".csv"))
        pair = fromCsv(source);
    else
        throw InputError("dataset.path", source.path + ": not a .npz file, a .csv file or a folder of .npy files");

    if (pair.test.size() > 0) {
        if (pair.test.inputShape != pair.train.inputShape)
            throw InputError(pair.test.name + ": held-out examples have shape "
                             + c10::str(at::IntArrayRef(pair.test.inputShape)) + " but training examples "
                             + c10::str(at::IntArrayRef(pair.train.inputShape)));
        // Without a fixed count both sets must agree on k, so that one model fits both.
        const int64_t k = std::max(pair.train.numClasses, pair.test.numClasses);
        pair.train.numClasses = k;
        pair.test.numClasses = k;
    }
    return pair;
}

}   // namespace minimascope::core
