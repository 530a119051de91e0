#pragma once
// The one-parameter model of the 1D escape toy (Wu, Ma & E): for the example with constant c
// its output is the example's loss f(x) = min{x^2, c (x-1)^2}. With c = 0.1 and 1.9 both x = 0
// and x = 1 are global minima; see docs/science.md, "The escape toy".
#include "models/Network.h"

namespace minimascope::core {

class EscapeToyModel : public Network {
public:
    explicit EscapeToyModel(double x0);
    // input [n, 1] of constants c_i; returns [n] losses.
    at::Tensor forward(const at::Tensor& input) override;
    std::string describe() const override;

    double position() const;

private:
    at::Tensor m_x;
};

}   // namespace minimascope::core
