#include "data/SyntheticDatasets.h"

#include "common/InputError.h"

#include <ATen/ATen.h>

#include <array>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace minimascope::core {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kBlobRadius = 3.0;
constexpr double kSpiralTurns = 1.5;

using Point = std::array<double, 2>;

// All randomness comes from the raw mt19937_64 stream (fixed by the standard), turned into
// numbers by the code below: the std distributions differ between standard libraries.
class Rng {
public:
    explicit Rng(uint64_t seed) : engine_(seed) { }

    double uniform()   // [0, 1), 53 random bits
    {
        return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double normal()   // Box-Muller; 1 - u keeps the log argument in (0, 1]
    {
        const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
        return radius * std::cos(2.0 * kPi * uniform());
    }
    // Uniform in [0, bound), rejecting the values that would bias the modulo.
    uint64_t below(uint64_t bound)
    {
        const uint64_t threshold = (0 - bound) % bound;   // 2^64 mod bound
        for (;;) {
            const uint64_t x = engine_();
            if (x >= threshold)
                return x % bound;
        }
    }

private:
    std::mt19937_64 engine_;
};

void require(bool ok, const std::string& name, const std::string& problem)
{
    if (!ok)
        throw InputError(name + ": " + problem);
}

void requireNonNegative(double value, const std::string& name, const char* what)
{
    require(std::isfinite(value) && value >= 0.0, name,
            std::string(what) + " must be a finite number >= 0, got " + std::to_string(value));
}

// Examples per class when n is split over k classes: the first n mod k get one more.
int64_t classCount(int64_t n, int64_t k, int64_t c) { return n / k + (c < n % k ? 1 : 0); }

// The j-th of m evenly spaced values in [0, 1] (0 alone when m == 1), like numpy.linspace.
double linspace01(int64_t j, int64_t m) { return m > 1 ? static_cast<double>(j) / static_cast<double>(m - 1) : 0.0; }

// Shuffles the examples (generators produce them class by class, and a prefix of the set
// should look like the whole), adds isotropic Gaussian noise and packs the tensors.
Dataset packClassification(const std::string& name, int64_t numClasses, std::vector<Point> points,
                           std::vector<int64_t> labels, double noise, Rng& rng)
{
    const auto n = static_cast<int64_t>(points.size());
    for (int64_t i = n - 1; i > 0; --i) {
        const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i + 1)));
        std::swap(points[i], points[j]);
        std::swap(labels[i], labels[j]);
    }
    Dataset out;
    out.name = name;
    out.task = Task::Classification;
    out.inputs = at::empty({n, 2}, at::kFloat);
    out.targets = at::tensor(labels, at::kLong);
    auto* x = out.inputs.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t d = 0; d < 2; ++d)
            x[2 * i + d] = static_cast<float>(points[i][d] + noise * rng.normal());
    }
    out.numClasses = numClasses;
    out.inputShape = {2};
    return out;
}

}   // namespace

Dataset makeTwoMoons(int64_t n, double noise, uint64_t seed)
{
    const std::string name = "two-moons";
    require(n >= 2, name, "needs at least 2 examples, got " + std::to_string(n));
    requireNonNegative(noise, name, "noise");
    // sklearn.datasets.make_moons: the outer moon gets n/2 points, the inner one the rest.
    const int64_t outer = n / 2;
    const int64_t inner = n - outer;
    std::vector<Point> points;
    std::vector<int64_t> labels;
    for (int64_t j = 0; j < outer; ++j) {
        const double t = kPi * linspace01(j, outer);
        points.push_back({std::cos(t), std::sin(t)});
        labels.push_back(0);
    }
    for (int64_t j = 0; j < inner; ++j) {
        const double t = kPi * linspace01(j, inner);
        points.push_back({1.0 - std::cos(t), 1.0 - std::sin(t) - 0.5});
        labels.push_back(1);
    }
    Rng rng(seed);
    return packClassification(name, 2, std::move(points), std::move(labels), noise, rng);
}

Dataset makeSpirals(int64_t n, int64_t arms, double noise, uint64_t seed)
{
    const std::string name = "spirals";
    require(arms >= 2, name, "needs at least 2 arms, got " + std::to_string(arms));
    require(n >= arms, name,
            "needs at least one example per arm, got " + std::to_string(n) + " for " + std::to_string(arms) + " arms");
    requireNonNegative(noise, name, "noise");
    // Arm c: radius grows from 0.1 to 1 over 1.5 turns, arms rotated evenly about the origin;
    // starting off the origin keeps the arms' first points apart.
    std::vector<Point> points;
    std::vector<int64_t> labels;
    for (int64_t c = 0; c < arms; ++c) {
        const int64_t m = classCount(n, arms, c);
        for (int64_t j = 0; j < m; ++j) {
            const double t = linspace01(j, m);
            const double radius = 0.1 + 0.9 * t;
            const double angle = 2.0 * kPi * (static_cast<double>(c) / static_cast<double>(arms) + kSpiralTurns * t);
            points.push_back({radius * std::cos(angle), radius * std::sin(angle)});
            labels.push_back(c);
        }
    }
    Rng rng(seed);
    return packClassification(name, arms, std::move(points), std::move(labels), noise, rng);
}

Dataset makeXor(int64_t n, double noise, uint64_t seed)
{
    const std::string name = "xor";
    require(n >= 2, name, "needs at least 2 examples, got " + std::to_string(n));
    requireNonNegative(noise, name, "noise");
    Rng rng(seed);
    std::vector<Point> points;
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < n; ++i) {
        const Point p = {rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)};
        points.push_back(p);
        labels.push_back(p[0] * p[1] < 0.0 ? 1 : 0);   // label from the clean point
    }
    return packClassification(name, 2, std::move(points), std::move(labels), noise, rng);
}

Dataset makeBlobs(int64_t n, int64_t classes, double spread, uint64_t seed)
{
    const std::string name = "blobs";
    require(classes >= 2, name, "needs at least 2 classes, got " + std::to_string(classes));
    require(n >= classes, name,
            "needs at least one example per class, got " + std::to_string(n) + " for " + std::to_string(classes)
                + " classes");
    requireNonNegative(spread, name, "std");
    std::vector<Point> points;
    std::vector<int64_t> labels;
    for (int64_t c = 0; c < classes; ++c) {
        const double angle = 2.0 * kPi * static_cast<double>(c) / static_cast<double>(classes);
        const Point centre = {kBlobRadius * std::cos(angle), kBlobRadius * std::sin(angle)};
        for (int64_t j = 0; j < classCount(n, classes, c); ++j) {
            points.push_back(centre);
            labels.push_back(c);
        }
    }
    Rng rng(seed);
    return packClassification(name, classes, std::move(points), std::move(labels), spread, rng);
}

namespace {

// The teacher's weights, the first draws of the generator that then draws the data, so that
// makeTeacher and makeTeacherStudent agree for the same seed.
TeacherWeights drawTeacher(int64_t inputDim, int64_t teacherWidth, Rng& rng)
{
    const std::string name = "teacher-student";
    require(inputDim >= 1, name, "input dimension must be >= 1, got " + std::to_string(inputDim));
    require(teacherWidth >= 1, name, "teacher width must be >= 1, got " + std::to_string(teacherWidth));
    // Teacher weights scaled by 1/sqrt(fan-in) so that its output has order-one variance
    // whatever the sizes.
    const double inScale = 1.0 / std::sqrt(static_cast<double>(inputDim));
    const double outScale = 1.0 / std::sqrt(static_cast<double>(teacherWidth));
    TeacherWeights teacher;
    teacher.inputDim = inputDim;
    teacher.width = teacherWidth;
    teacher.w1.resize(static_cast<size_t>(teacherWidth * inputDim));
    teacher.b1.resize(static_cast<size_t>(teacherWidth));
    teacher.w2.resize(static_cast<size_t>(teacherWidth));
    for (double& w : teacher.w1)
        w = inScale * rng.normal();
    for (double& b : teacher.b1)
        b = rng.normal();
    for (double& w : teacher.w2)
        w = outScale * rng.normal();
    return teacher;
}

}   // namespace

TeacherWeights makeTeacher(int64_t inputDim, int64_t teacherWidth, uint64_t seed)
{
    Rng rng(seed);
    return drawTeacher(inputDim, teacherWidth, rng);
}

Dataset makeTeacherStudent(int64_t n, int64_t inputDim, int64_t teacherWidth, double noise, uint64_t seed)
{
    const std::string name = "teacher-student";
    require(n >= 1, name, "needs at least 1 example, got " + std::to_string(n));
    requireNonNegative(noise, name, "noise");
    Rng rng(seed);
    const TeacherWeights teacher = drawTeacher(inputDim, teacherWidth, rng);
    const std::vector<double>& w1 = teacher.w1;
    const std::vector<double>& b1 = teacher.b1;
    const std::vector<double>& w2 = teacher.w2;

    Dataset out;
    out.name = name;
    out.task = Task::Regression;
    out.inputs = at::empty({n, inputDim}, at::kFloat);
    out.targets = at::empty({n, 1}, at::kFloat);
    auto* x = out.inputs.data_ptr<float>();
    auto* y = out.targets.data_ptr<float>();
    std::vector<double> xi(static_cast<size_t>(inputDim));
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t d = 0; d < inputDim; ++d) {
            // The teacher sees the float32 value that the student will see.
            x[i * inputDim + d] = static_cast<float>(rng.normal());
            xi[d] = x[i * inputDim + d];
        }
        double value = 0.0;
        for (int64_t h = 0; h < teacherWidth; ++h) {
            double pre = b1[h];
            for (int64_t d = 0; d < inputDim; ++d)
                pre += w1[h * inputDim + d] * xi[d];
            value += w2[h] * std::tanh(pre);
        }
        y[i] = static_cast<float>(value + noise * rng.normal());
    }
    out.numClasses = 0;
    out.inputShape = {inputDim};
    return out;
}

Dataset makeXorClassic()
{
    Dataset out;
    out.name = "xor-classic";
    out.task = Task::Regression;
    out.inputs = at::tensor({0.0f, 0.0f, 0.0f, 1.0f, 1.0f, 0.0f, 1.0f, 1.0f}, at::kFloat).reshape({4, 2});
    out.targets = at::tensor({0.0f, 1.0f, 1.0f, 0.0f}, at::kFloat).reshape({4, 1});
    out.numClasses = 0;
    out.inputShape = {2};
    return out;
}

Dataset makeEscapeToy()
{
    Dataset out;
    out.name = "escape-toy";
    out.task = Task::DirectLoss;
    out.inputs = at::tensor({0.1f, 1.9f}, at::kFloat).reshape({2, 1});
    out.targets = at::zeros({2}, at::kFloat);
    out.numClasses = 0;
    out.inputShape = {1};
    return out;
}

}   // namespace minimascope::core
