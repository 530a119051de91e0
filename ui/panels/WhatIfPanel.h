#pragma once
// The "What if" controls under the stability diagram: η and B of a finished run, each as a spin box
// and a slider (logarithmic: η from 1/1000 to 100 times the run's, B from 1 to n), a button back to
// the run's own values, and the line that reports the Theorem's verdict. valuesChanged fires on
// every change, slider drags included; WhatIfController does the rest. GUI thread only.
#include <QString>
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace minimascope::ui {

class WhatIfPanel : public QWidget {
    Q_OBJECT
public:
    explicit WhatIfPanel(QWidget* parent = nullptr);

    // The run the controls are for: its own η and B (set without valuesChanged) and its n.
    void setRun(double eta, qint64 batchSize, qint64 n);
    double eta() const;
    qint64 batchSize() const;
    // Moves η (e.g. from a drag of the bound line); valuesChanged follows when it changed.
    void setEta(double eta);
    void setBatchSize(qint64 batchSize);
    void setVerdictText(const QString& text);
    QString verdictText() const;

    QDoubleSpinBox* etaSpin() const { return m_etaSpin; }
    QSpinBox* batchSpin() const { return m_batchSpin; }
    QSlider* etaSlider() const { return m_etaSlider; }
    QSlider* batchSlider() const { return m_batchSlider; }

Q_SIGNALS:
    void valuesChanged(double eta, qint64 batchSize);

private:
    void syncSliders();
    void onEtaSlider(int position);
    void onBatchSlider(int position);

    QDoubleSpinBox* m_etaSpin = nullptr;
    QSpinBox* m_batchSpin = nullptr;
    QSlider* m_etaSlider = nullptr;
    QSlider* m_batchSlider = nullptr;
    QPushButton* m_reset = nullptr;
    QLabel* m_verdict = nullptr;
    double m_runEta = 0.1;
    qint64 m_runBatch = 1;
    qint64 m_n = 1;
    bool m_syncing = false;   // a slider follows its spin box without echoing back
};

}   // namespace minimascope::ui
