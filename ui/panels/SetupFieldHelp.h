#pragma once
// The setup form's tooltips: what each field is and where it enters the theory (the bounds
// a ≤ 2/η and s ≤ sqrt(B(n−1)/(n−B))/η of Wu, Ma & E, docs/science.md). GUI thread only.
#include <QString>

namespace minimascope::ui {

// The tooltip of the setup field with this object name; empty for an unknown name.
QString setupFieldHelp(const QString& fieldName);

}   // namespace minimascope::ui
