#pragma once
// The one way to include QCustomPlot in MinimaScope. The project builds with QT_NO_KEYWORDS, but
// qcustomplot.h (2.1) still spells `signals:` and `foreach`; map them to the Q_ macros for the
// header only, so that the keywords stay off in our own code.
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
