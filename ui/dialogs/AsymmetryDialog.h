#pragma once
// Analyze → "Asymmetric valleys…": the scan of He, Huang & Yuan (2019) at the last run's
// parameters (AsymmetryRequest, the options of `minimascope-cli asymmetry`): how many
// filter-normalized random directions, the distances [ζ, r] and samples a side, the constants
// p and c of the definition, the seed and the examples. Invalid constants (ζ ≥ r, c ≤ 1) disable
// Compute with the reason shown. GUI thread only.
#include "workers/LossLineTypes.h"

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace minimascope::ui {

class AsymmetryDialog : public QDialog {
    Q_OBJECT

public:
    explicit AsymmetryDialog(const AsymmetryRequest& last, QWidget* parent = nullptr);

    AsymmetryRequest request() const;

private:
    void check();

    QSpinBox* m_count = nullptr;
    QSpinBox* m_points = nullptr;
    QDoubleSpinBox* m_zeta = nullptr;
    QDoubleSpinBox* m_radius = nullptr;
    QDoubleSpinBox* m_p = nullptr;
    QDoubleSpinBox* m_c = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_subset = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_compute = nullptr;
};

}   // namespace minimascope::ui
