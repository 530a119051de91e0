#pragma once
// A numeric CSV file with a header line and one label column, as features and labels for
// dataset.name "arrays". Fields are separated by commas; a field may be quoted ("..."); blank
// lines are skipped; '\r\n' line ends are accepted.
// Errors (InputError naming the file and the line): a missing label column, a row whose field
// count differs from the header's (a ragged CSV), a field that is not a number, a label that
// is not an integer.
#include <ATen/core/Tensor.h>

#include <string>

namespace minimascope::core {

struct LabelledTable {
    at::Tensor features;   // float32 [rows, columns - 1], in the header's column order
    at::Tensor labels;     // int64 [rows]
};

LabelledTable readLabelledCsv(const std::string& path, const std::string& labelColumn);

}   // namespace minimascope::core
