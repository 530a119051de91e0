#include "models/TorchScriptModel.h"

#include "common/InputError.h"
#include "data/Dataset.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>

#include <filesystem>
#include <sstream>

namespace minimascope::core {

namespace {

// The first line of a torch error: the rest is a C++ or TorchScript backtrace.
std::string firstLine(const std::string& text)
{
    const size_t end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

// The plain module at `path` ("block.0") below `root`, made on the way (a registered child of
// the same name for each dotted component), so that named_parameters() gives PyTorch's names.
torch::nn::Module& childAt(torch::nn::Module& root, const std::string& path)
{
    torch::nn::Module* module = &root;
    std::stringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '.')) {
        const auto children = module->named_children();
        if (const auto* found = children.find(part)) {
            module = found->get();
        } else {
            module = module->register_module(part, std::make_shared<torch::nn::Module>()).get();
        }
    }
    return *module;
}

// Splits "a.b.weight" into "a.b" and "weight".
std::pair<std::string, std::string> splitName(const std::string& name)
{
    const size_t dot = name.rfind('.');
    return dot == std::string::npos ? std::make_pair(std::string(), name)
                                    : std::make_pair(name.substr(0, dot), name.substr(dot + 1));
}

// Interpreted op by op, without the profiling executor's fused differentiable graphs: their
// backward is not differentiable again, and the curvature needs double backward.
class PlainExecutor {
public:
    PlainExecutor() : m_guard(false) { }

private:
    torch::jit::GraphOptimizerEnabledGuard m_guard;
};

// The last non-empty line of an interpreter error: the Python-side message ("RuntimeError: mat1
// and mat2 shapes cannot be multiplied (2x784 and 100x32)") after both tracebacks.
std::string lastLine(const std::string& text)
{
    const size_t end = text.find_last_not_of("\n ");
    if (end == std::string::npos)
        return text;
    const size_t newline = text.rfind('\n', end);
    const size_t start = newline == std::string::npos ? 0 : newline + 1;
    return text.substr(start, end - start + 1);
}

}   // namespace

struct TorchScriptModel::Impl {
    torch::jit::Module module;
};

TorchScriptModel::TorchScriptModel(const std::string& path, const Dataset& data)
    : m_impl(std::make_unique<Impl>()), m_path(path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("model.path", path + ": the TorchScript file does not exist");
    try {
        m_impl->module = torch::jit::load(path, c10::Device(c10::kCPU));
    } catch (const c10::Error& e) {
        throw InputError("model.path", path
                                           + ": not a TorchScript file (save one in Python with "
                                             "torch.jit.script(model).save(path)): "
                                           + firstLine(e.what()));
    }
    int64_t count = 0;
    for (const auto& p : m_impl->module.named_parameters(/*recurse=*/true)) {
        const auto [owner, leaf] = splitName(p.name);
        childAt(*this, owner).register_parameter(leaf, p.value, /*requires_grad=*/true);
        count += p.value.numel();
    }
    if (count == 0)
        throw InputError("model.path", path
                                           + ": the TorchScript module has no parameters, so there is nothing to "
                                             "train or measure");
    for (const auto& b : m_impl->module.named_buffers(/*recurse=*/true)) {
        const auto [owner, leaf] = splitName(b.name);
        childAt(*this, owner).register_buffer(leaf, b.value);
    }
    for (const auto& p : parameters())
        if (p.scalar_type() != at::kFloat)
            throw InputError("model.path", path
                                               + ": the module's parameters must be float32 (call model.float() "
                                                 "before saving)");

    // One forward on two examples shows a module that does not fit the data before any training.
    if (data.size() == 0)
        return;
    const int64_t probe = std::min<int64_t>(2, data.size());
    const at::Tensor inputs = data.inputs.narrow(0, 0, probe);
    at::Tensor output;
    {
        at::NoGradGuard noGrad;
        const bool wasTraining = is_training();
        train(false);
        try {
            output = forward(inputs);
        } catch (const InputError&) {
            train(wasTraining);
            throw;
        } catch (const std::exception& e) {
            // c10::Error from an operator, torch::jit::JITException from the interpreter.
            train(wasTraining);
            throw InputError("model.path", path
                                               + ": the module's forward fails on this data set's examples (input "
                                                 "shape "
                                               + c10::str(inputs.sizes()) + "): " + lastLine(e.what()));
        }
        train(wasTraining);
    }
    const int64_t outputs = data.outputCount();
    const std::vector<int64_t> expected = data.task == Task::DirectLoss ? std::vector<int64_t>{probe}
                                                                        : std::vector<int64_t>{probe, outputs};
    if (output.sizes().vec() != expected) {
        std::string what = data.task == Task::Classification
                               ? "the data set has " + std::to_string(outputs) + " classes"
                               : "the task needs " + std::to_string(outputs) + " outputs per example";
        throw InputError("model.path", path + ": the module returns shape " + c10::str(output.sizes()) + " for "
                                           + std::to_string(probe) + " examples, but " + what + " (expected "
                                           + c10::str(at::IntArrayRef(expected)) + ")");
    }
}

TorchScriptModel::~TorchScriptModel() = default;

at::Tensor TorchScriptModel::forward(const at::Tensor& input)
{
    const PlainExecutor plain;
    const c10::IValue result = m_impl->module.forward({input});
    if (!result.isTensor())
        throw InputError("model.path",
                         m_path + ": the module's forward returns " + result.tagKind() + ", not one tensor");
    return result.toTensor();
}

void TorchScriptModel::train(bool on)
{
    torch::nn::Module::train(on);
    if (m_impl)
        m_impl->module.train(on);
}

std::string TorchScriptModel::describe() const
{
    return "TorchScript " + std::filesystem::path(m_path).filename().string() + " (" + std::to_string(parameterCount())
           + " parameters; curvature by autograd)";
}

}   // namespace minimascope::core
