#pragma once
// Keeps a network in eval mode (BatchNorm uses its running statistics, Dropout is off) for a
// scope and restores the mode it had, however the scope ends. The thread that owns the network.
#include "models/Network.h"

namespace minimascope::core {

class EvalModeScope {
public:
    explicit EvalModeScope(Network& network) : m_network(network), m_wasTraining(network.is_training())
    {
        m_network.eval();
    }
    ~EvalModeScope() { m_network.train(m_wasTraining); }
    EvalModeScope(const EvalModeScope&) = delete;
    EvalModeScope& operator=(const EvalModeScope&) = delete;

private:
    Network& m_network;
    bool m_wasTraining;
};

}   // namespace minimascope::core
