#pragma once
// The Hessian spectra through training on two CurvesPlots, as `minimascope-cli figures` and the
// main window draw them: the SLQ density at each iteration (log density, one curve an
// iteration) and the top eigenvalues against iteration. Plain data in, no torch, no files (the
// run folder's spectra/ are read by controllers/SpectraFolder.h). GUI thread only.
#include <QString>

#include <vector>

namespace minimascope::ui {

class CurvesPlot;

// One analysis of a run's parameters at `iteration`: the density on its grid (both empty when
// none was computed) and the top eigenvalues, largest first.
struct SnapshotSpectrum {
    double iteration = 0.0;
    std::vector<double> grid;
    std::vector<double> density;
    std::vector<double> topEigenvalues;
};

// Adds the spectra, in the order given (iteration order), to the two plots and sets their
// titles, labels and scales; the plots should be empty. False when there are none.
bool fillSpectraOverTraining(const std::vector<SnapshotSpectrum>& spectra, CurvesPlot& densities,
                             CurvesPlot& topEigenvalues);

// Adds one spectrum of a later iteration than those already appended (the live tracking's, as
// they arrive) without redrawing the others: its density as a curve of its own, when it has one,
// and each top eigenvalue as the next point of its λk curve. Into empty plots it first sets what
// fillSpectraOverTraining sets.
void appendSpectrumOverTraining(const SnapshotSpectrum& spectrum, CurvesPlot& densities, CurvesPlot& topEigenvalues);

// One spectrum of each of several runs (e.g. the same network with and without BatchNorm, Ghorbani
// et al.'s comparison): the legend label and the analysis.
struct RunSpectrum {
    QString label;
    SnapshotSpectrum spectrum;
};

// Adds the densities, in the order given, to `densities` (empty) drawn as through training (log
// density), each named by its label and its largest eigenvalue when known. False, and nothing
// drawn, when no run has a density.
bool fillSpectraOfRuns(const std::vector<RunSpectrum>& runs, CurvesPlot& densities);

}   // namespace minimascope::ui
