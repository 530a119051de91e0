#pragma once
// Built-in data sets for teaching that need no files. Each is generated from a seed and is
// bit-identical for the same arguments on the same machine.
#include "data/Dataset.h"

#include <cstdint>
#include <vector>

namespace minimascope::core {

// Two interleaving half circles in 2D, two classes, Gaussian noise of the given std.
Dataset makeTwoMoons(int64_t n, double noise, uint64_t seed);
// Two (or more) interleaved spiral arms in 2D, one class per arm.
Dataset makeSpirals(int64_t n, int64_t arms, double noise, uint64_t seed);
// Points uniform in [-1,1]^2 labelled by the sign of x*y (XOR), two classes.
Dataset makeXor(int64_t n, double noise, uint64_t seed);
// The classic XOR problem of the 2-2-1 studies (Hamey 1998): the four patterns (0,0), (0,1),
// (1,0), (1,1) in that order with targets 0, 1, 1, 0, as regression (one output, mean squared
// error), so that a 2-2-1 network has 9 parameters.
Dataset makeXorClassic();
// k isotropic Gaussian blobs in 2D with centres on a circle of radius 3, one class each.
Dataset makeBlobs(int64_t n, int64_t classes, double std, uint64_t seed);
// Teacher-student regression: x ~ N(0, I_d), y = teacher(x) + noise, where the teacher is a
// fixed random one-hidden-layer tanh network of the given width drawn from the seed
// (makeTeacher below gives its weights).
Dataset makeTeacherStudent(int64_t n, int64_t inputDim, int64_t teacherWidth, double noise, uint64_t seed);

// The teacher of makeTeacherStudent(n, inputDim, width, noise, seed), for any n and noise:
// teacher(x) = sum_h w2[h] tanh(b1[h] + sum_d w1[h * inputDim + d] x[d]), no output bias, in
// double precision (models/TeacherNetwork.h lays it out as a student MLP's parameters).
// Throws InputError for sizes below 1.
struct TeacherWeights {
    int64_t inputDim = 0;
    int64_t width = 0;
    std::vector<double> w1;   // [width][inputDim], row-major
    std::vector<double> b1;   // [width]
    std::vector<double> w2;   // [width]
};
TeacherWeights makeTeacher(int64_t inputDim, int64_t teacherWidth, uint64_t seed);
// The 1D escape toy of Wu, Ma & E: two examples whose losses are
// f_i(x) = min{x^2, c_i (x-1)^2} with c = (0.1, 1.9). Task::DirectLoss; inputs hold c_i.
Dataset makeEscapeToy();

}   // namespace minimascope::core
