#pragma once
// A run's output folder, enough to reproduce and to analyse it:
//   config.json      the resolved RunConfig (minimascope-cli train --config DIR/config.json reruns it)
//   metrics.csv/json one row per evaluation
//   summary.json     status, stop reason, iterations, final numbers, timing, thread count
//   parameters/      the final parameters and buffers as a TensorFolder (one .npy each + index.json)
//   snapshots/iter_NNNNNNNN/  parameters at the scheduled iterations, same layout
// Every file is written atomically; unwritable folders throw InputError naming the path.
#include "train/Trainer.h"

#include <string>

namespace minimascope::core {

void writeRunConfig(const std::string& dir, const RunConfig& config);
void writeMetrics(const std::string& dir, const std::vector<MetricsRow>& rows);
// The rows writeMetrics wrote (DIR/metrics.json), for plotting a finished run; throws InputError
// naming the file when it is missing or not a metrics list.
std::vector<MetricsRow> readMetrics(const std::string& dir);
void writeSummary(const std::string& dir, const RunConfig& config, const TrainResult& result,
                  const std::string& modelDescription);
// All of the above plus the final parameters.
void writeRunFolder(const std::string& dir, Trainer& trainer, const TrainResult& result);

// Parameters and buffers (BatchNorm statistics) of a network, and reading them back into a
// network of the same architecture (throws InputError on a name or shape mismatch).
void saveNetworkTensors(const std::string& dir, Network& network);
void loadNetworkTensors(const std::string& dir, Network& network);

// A snapshot sink for Trainer::setSnapshotSink writing DIR/snapshots/iter_NNNNNNNN/.
std::function<void(const TrainerState&)> snapshotWriter(const std::string& dir);
std::string snapshotFolder(const std::string& dir, int64_t iteration);

} // namespace minimascope::core
