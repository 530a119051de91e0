#pragma once
// Which data to train on: the "dataset" section of a run config, already validated, and the
// function that loads it. Loading is deterministic for a given spec.
#include "data/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace minimascope::core {

struct DatasetSpec {
    // "fashion-mnist" (IDX files in `path`: Fashion-MNIST, MNIST, KMNIST, ...), "arrays" (the
    // user's own, data/ArrayDataset.h), "two-moons", "spirals", "xor", "xor-classic" (the four
    // patterns, regression), "blobs", "teacher-student" or "escape-toy".
    std::string name = "fashion-mnist";
    std::string path;                    // IDX folder (empty = the Debian package's Fashion-MNIST);
                                         // arrays: .npz, .csv or a folder of .npy files
    int64_t n = 1000;                    // training examples
    std::string subset = "first";        // "first" n, or a class-"stratified" seeded sample
    std::vector<int64_t> classes;        // keep only these classes (renumbered); empty = all
    bool standardize = false;            // per-feature, fitted on the training subset
    int64_t testN = 1000;                // held-out examples for generalization; 0 = none
    uint64_t seed = 0;                   // sampling and generation
    double noise = 0.1;                  // synthetic sets
    int64_t syntheticClasses = 3;        // blobs and spirals
    int64_t inputDim = 10;               // teacher-student
    int64_t teacherWidth = 16;           // teacher-student
    std::string labelColumn = "label";   // arrays from a CSV: the label column's header
    std::string testPath;                // arrays from a CSV: the held-out CSV; empty = none
    int64_t numClasses = 0;              // arrays: k (labels 0..k-1); 0 = the largest label + 1
};

// Throws InputError for missing or bad files and impossible subsets.
DatasetPair loadDatasets(const DatasetSpec& spec);

}   // namespace minimascope::core
