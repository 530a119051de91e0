#include "data/DatasetSpec.h"

#include "common/InputError.h"
#include "data/ArrayDataset.h"
#include "data/DatasetTransforms.h"
#include "data/FashionMnist.h"
#include "data/SyntheticDatasets.h"

namespace minimascope::core {

namespace {

Dataset generate(const DatasetSpec& spec, int64_t n, uint64_t seed)
{
    if (spec.name == "two-moons")
        return makeTwoMoons(n, spec.noise, seed);
    if (spec.name == "spirals")
        return makeSpirals(n, spec.syntheticClasses, spec.noise, seed);
    if (spec.name == "xor")
        return makeXor(n, spec.noise, seed);
    if (spec.name == "blobs")
        return makeBlobs(n, spec.syntheticClasses, 1.0 + spec.noise, seed);
    if (spec.name == "teacher-student")
        return makeTeacherStudent(n, spec.inputDim, spec.teacherWidth, spec.noise, seed);
    throw InputError(
        "unknown data set '" + spec.name
        + "' (expected fashion-mnist, arrays, two-moons, spirals, xor, xor-classic, blobs, teacher-student or "
          "escape-toy)");
}

Dataset selectSubset(const Dataset& data, const DatasetSpec& spec, int64_t n)
{
    if (n > data.size())
        throw InputError("dataset.n = " + std::to_string(n) + " but '" + data.name + "' has only "
                         + std::to_string(data.size()) + " examples"
                         + (spec.classes.empty() ? "" : " in the chosen classes"));
    return spec.subset == "stratified" ? stratifiedSample(data, n, spec.seed) : takeFirst(data, n);
}

}   // namespace

DatasetPair loadDatasets(const DatasetSpec& spec)
{
    DatasetPair pair;
    if (spec.name == "escape-toy") {
        // The toy is its two examples; there is nothing to hold out.
        pair.train = makeEscapeToy();
        return pair;
    }
    if (spec.name == "xor-classic") {
        // The four patterns are the whole problem; there is nothing to hold out either.
        pair.train = makeXorClassic();
        return pair;
    }
    if (spec.name == "fashion-mnist" || spec.name == "arrays") {
        // The first n examples of all classes are the files' first n: nothing after them is read.
        const bool leadingExamples = spec.subset == "first" && spec.classes.empty();
        DatasetPair full = spec.name == "arrays"
                               ? loadArrayDatasets({spec.path, spec.labelColumn, spec.testPath, spec.numClasses})
                               : loadFashionMnist(spec.path.empty() ? defaultFashionMnistDir() : spec.path,
                                                  leadingExamples ? spec.n : kAllRecords,
                                                  leadingExamples ? spec.testN : kAllRecords);
        if (!spec.classes.empty()) {
            full.train = filterClasses(full.train, spec.classes);
            if (full.test.size() > 0)
                full.test = filterClasses(full.test, spec.classes);
        }
        pair.train = selectSubset(full.train, spec, spec.n);
        // The user's held-out set may be smaller than test_n (or absent): then all of it is used.
        if (spec.name == "arrays" && spec.testN >= full.test.size())
            pair.test = full.test;
        else if (spec.testN > 0)
            pair.test = selectSubset(full.test, spec, spec.testN);
    } else {
        // Test points come from the same distribution with an independent seed.
        pair.train = generate(spec, spec.n, spec.seed);
        if (spec.testN > 0)
            pair.test = generate(spec, spec.testN, spec.seed + 0x9e3779b97f4a7c15ULL);
        if (!spec.classes.empty()) {
            pair.train = filterClasses(pair.train, spec.classes);
            if (pair.test.size() > 0)
                pair.test = filterClasses(pair.test, spec.classes);
        }
    }
    if (spec.standardize) {
        const Standardization s = fitStandardization(pair.train);
        pair.train = applyStandardization(pair.train, s);
        if (pair.test.size() > 0)
            pair.test = applyStandardization(pair.test, s);
    }
    return pair;
}

}   // namespace minimascope::core
