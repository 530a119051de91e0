#pragma once
// The linear-stability bounds of SGD (Wu, Ma & E 2018) in closed form. Plain C++ with neither
// torch nor Qt, so that the analysis library and the plot panels compute them in one place.
// With learning rate eta and B of the n training examples a step, a global minimum is linearly
// stable iff lambda_max{ (I - eta H)^2 + eta^2 c Sigma } <= 1, c the noise factor of the way
// the batch is drawn (below). Necessary consequences, drawn on the sharpness / non-uniformity
// diagram:  a = lambda_max(H) <= 2 / eta   and   s = sqrt(lambda_max(Sigma)) <= 1 / (eta sqrt(c)).
// Every function throws std::invalid_argument unless eta > 0 and 1 <= B <= n. Thread-safe.
#include <cstdint>

namespace minimascope::core {

// How a step draws its B examples; nothing else about the sampling enters the bounds.
//   WithoutReplacement: a uniform B-subset, independent across steps (the Theorem's own
//       setting): the batch mean has covariance c Sigma with c = (n - B) / (B (n - 1)), which is 0
//       for B = n (GD: no noise, no bound on s). Epoch shuffling is bounded as this too: each
//       of its batches is a B-subset, though the batches of an epoch are not independent.
//   WithReplacement: B indices drawn independently: the batch mean of B i.i.d. per-example
//       Hessians has c = 1 / B, so even B = n stays noisy and the s bound stays finite.
enum class BatchDraw { WithoutReplacement, WithReplacement };

// "without replacement" or "with replacement".
const char* toString(BatchDraw draw);

// 2 / eta.
double sharpnessBound(double eta);
// c above. The default is the Theorem's own setting.
double noiseFactor(int64_t batchSize, int64_t n, BatchDraw draw = BatchDraw::WithoutReplacement);
// 1 / (eta sqrt(c)): sqrt(B (n - 1) / (n - B)) / eta without replacement (+infinity for B = n),
// sqrt(B) / eta with replacement.
double nonUniformityBound(double eta, int64_t batchSize, int64_t n, BatchDraw draw = BatchDraw::WithoutReplacement);

}   // namespace minimascope::core
