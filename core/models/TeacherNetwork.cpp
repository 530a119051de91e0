#include "models/TeacherNetwork.h"

#include "common/InputError.h"
#include "data/DatasetSpec.h"
#include "models/FlatParameters.h"
#include "models/Mlp.h"

#include <ATen/ATen.h>

namespace minimascope::core {

TeacherWeights teacherOf(const DatasetSpec& spec)
{
    if (spec.name != "teacher-student")
        throw InputError("the data set is '" + spec.name + "', not 'teacher-student': there is no teacher");
    if (spec.standardize)
        throw InputError("dataset.standardize changes the inputs the teacher saw: its weights are no longer a "
                         "minimum of the student's loss (set it to false)");
    // The training set is generated from spec.seed (DatasetSpec.cpp), its teacher with it.
    return makeTeacher(spec.inputDim, spec.teacherWidth, spec.seed);
}

std::string teacherArchitecture(const TeacherWeights& teacher)
{
    return "MLP " + std::to_string(teacher.inputDim) + "-" + std::to_string(teacher.width)
           + "-1 tanh, no BatchNorm (model.kind mlp, widths [" + std::to_string(teacher.width) + "], activation tanh)";
}

std::shared_ptr<Mlp> buildTeacherMlp(const TeacherWeights& teacher, at::ScalarType dtype)
{
    MlpOptions options;
    options.inputs = teacher.inputDim;
    options.hiddenWidths = {teacher.width};
    options.outputs = 1;
    options.activation = Activation::Tanh;
    options.batchNorm = false;
    auto mlp = std::make_shared<Mlp>(options);
    mlp->to(dtype);
    at::NoGradGuard noGrad;
    const auto fromDoubles = [dtype](const std::vector<double>& values, at::IntArrayRef shape) {
        return at::tensor(values, at::kDouble).reshape(shape).to(dtype);
    };
    const std::vector<torch::nn::Linear>& linears = mlp->linears();
    linears[0]->weight.copy_(fromDoubles(teacher.w1, {teacher.width, teacher.inputDim}));
    linears[0]->bias.copy_(fromDoubles(teacher.b1, {teacher.width}));
    linears[1]->weight.copy_(fromDoubles(teacher.w2, {1, teacher.width}));
    linears[1]->bias.zero_();
    return mlp;
}

at::Tensor teacherParametersFor(const Network& student, const TeacherWeights& teacher)
{
    const auto* mlp = dynamic_cast<const Mlp*>(&student);
    const std::string wanted = "the teacher's weights need a student with its architecture, "
                               + teacherArchitecture(teacher) + "; the model is " + student.describe();
    if (mlp == nullptr)
        throw InputError(wanted);
    const MlpOptions& o = mlp->options();
    if (o.inputs != teacher.inputDim || o.hiddenWidths != std::vector<int64_t>{teacher.width} || o.outputs != 1
        || o.activation != Activation::Tanh || o.batchNorm)
        throw InputError(wanted);
    // The same class with the same options registers the same parameters in the same order, so
    // the teacher's flat vector is laid out as the student's.
    const std::shared_ptr<Mlp> built = buildTeacherMlp(teacher, student.parameters().front().scalar_type());
    const FlatParameters flat(*built);
    return flat.get();
}

}   // namespace minimascope::core
