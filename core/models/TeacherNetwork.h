#pragma once
// The teacher of the teacher-student data set (data/SyntheticDatasets.h) as a network of the
// student's kind: an MLP inputDim-width-1 with tanh, whose output bias is 0. A student with
// this architecture reaches the teacher's function exactly at these weights, so with noiseless
// targets they are a global minimum of its training loss (and, up to the noise, with noise).
// Pure functions; errors throw InputError naming what does not fit.
#include "data/SyntheticDatasets.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

namespace minimascope::core {

class Mlp;
class Network;
struct DatasetSpec;

// The teacher behind a "teacher-student" spec's training set (its seed, input_dim and
// teacher_width). Throws InputError for another data set, or when `standardize` changes the
// inputs the teacher saw.
TeacherWeights teacherOf(const DatasetSpec& spec);

// The teacher as an MLP with weights of the given dtype (float32 rounds the double-precision
// teacher; double keeps it exactly).
std::shared_ptr<Mlp> buildTeacherMlp(const TeacherWeights& teacher, at::ScalarType dtype = at::kFloat);

// The teacher's weights as a flat vector in the parameter layout of `student` (FlatParameters
// order and dtype), for a student with the teacher's architecture. Throws InputError naming the
// difference for any other student.
at::Tensor teacherParametersFor(const Network& student, const TeacherWeights& teacher);

// "MLP <d>-<width>-1 tanh, no BatchNorm": the student architecture the teacher has, for messages.
std::string teacherArchitecture(const TeacherWeights& teacher);

}   // namespace minimascope::core
