#pragma once
// The escape-toy lesson's computations off the GUI thread: the curves, the (a, s) of both minima
// and the GD and SGD iterates (core/demos/EscapeToyLesson.h), for one η, B and seed at a time.
// Lives on a QThread of its own (EscapeDemoView owns it); requests arrive as queued calls and
// results leave as the `ready` signal, tagged with the request's job id so that the view drops
// answers to requests it has since replaced. Torch stays in the .cpp.
#include <QMetaType>
#include <QObject>
#include <QString>

#include <vector>

namespace minimascope::ui {

struct EscapeLessonRequest {
    quint64 jobId = 0;
    double eta = 0.7;
    int batchSize = 1;
    double x0 = 0.99;
    int steps = 200;
    quint64 seed = 0;
};

struct EscapeLessonResult {
    quint64 jobId = 0;
    QString error;   // empty on success
    EscapeLessonRequest request;
    std::vector<double> x, f1, f2, f;                 // the curves
    std::vector<double> minimaX, minimaA, minimaS;    // x = 0 and x = 1
    std::vector<double> gdX, gdLoss, sgdX, sgdLoss;   // the iterates
};

class EscapeLessonWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    void compute(const minimascope::ui::EscapeLessonRequest& request);

Q_SIGNALS:
    void ready(const minimascope::ui::EscapeLessonResult& result);
};

}   // namespace minimascope::ui

Q_DECLARE_METATYPE(minimascope::ui::EscapeLessonRequest)
Q_DECLARE_METATYPE(minimascope::ui::EscapeLessonResult)
