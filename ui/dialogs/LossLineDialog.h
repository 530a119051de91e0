#pragma once
// Analyze → "Loss along a line…": which 1D line through the last run's minimum (LossLineKind),
// its α range and points, the twin's seed, the examples and BatchNorm handling. A kind the run
// cannot have is disabled with the reason as its tooltip: the interpolation without the run's
// initial parameters, the symmetric twin for a model that is not an MLP. Changing the kind puts
// in its default range (the CLI's). GUI thread only.
#include "workers/LossLineTypes.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace minimascope::ui {

class LossLineDialog : public QDialog {
    Q_OBJECT

public:
    // What the last run allows: an empty reason enables the kind, a reason disables it.
    struct Availability {
        QString noInitialReason;
        QString noTwinReason;
        bool batchNorm = false;   // the model has BatchNorm: the recompute choice applies
    };
    LossLineDialog(const Availability& availability, const LossLineRequest& last, QWidget* parent = nullptr);

    LossLineRequest request() const;
    // Selects `kind` when the run allows it, with its default range.
    void setKind(LossLineKind kind);

private:
    void onKindChanged();
    void check();

    QComboBox* m_kind = nullptr;
    QDoubleSpinBox* m_alphaMin = nullptr;
    QDoubleSpinBox* m_alphaMax = nullptr;
    QSpinBox* m_points = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_subset = nullptr;
    QCheckBox* m_recomputeBatchNorm = nullptr;
    QLabel* m_explanation = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_compute = nullptr;
};

}   // namespace minimascope::ui
