#pragma once
// minimascope-cli reproduce: one of the seed papers' studies end to end into a folder
// (docs/reproductions.md): `study run` (resumable, progress and Ctrl-C as there), `study export`,
// the study window's plots with the CSV of each, and a README of what ran. Errors throw
// InputError (exit code 2); Ctrl-C returns kCancelled with the study folder ready to resume.
#include "CliArguments.h"
#include "landscape/SurfaceExport.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace minimascope::core {
class CancelToken;
}

namespace minimascope::cli {

// The reproductions: the study files NAME.json of resources/studies that come with a NAME-quick.json.
std::vector<std::string> listReproductions();

int runReproduce(const CliArguments& args, const core::CancelToken& cancel);

#ifdef MINIMASCOPE_HAVE_FIGURES
// One figure of a reproduction, written as NAME.png and NAME.csv (its data).
struct StudyFigure {
    std::string name;
    std::string caption;
};

// Draws a reproduction's figures headless into outDir, with the panels of the desktop application
// (Qt's offscreen platform: no display needed). It holds the QApplication they need: one object
// at a time in a process. Throws InputError when a file cannot be read or written.
class ReproductionFigures {
public:
    explicit ReproductionFigures(std::string outDir);
    ~ReproductionFigures();
    ReproductionFigures(const ReproductionFigures&) = delete;
    ReproductionFigures& operator=(const ReproductionFigures&) = delete;

    // The study window's stability diagram (colored by η, by B, and by optimizer when the study
    // has more than one), a against η and against B, and with several optimizers each one's test
    // accuracy and train loss against η, of the study folder studyDir; when its runs measured the
    // gradient norm, it and the training loss over training of each optimizer's best run.
    std::vector<StudyFigure> writeStudy(const std::string& studyDir);
    // The spectrum of an analysis.json of the run runId.
    StudyFigure writeSpectrum(const std::string& name, const std::string& analysisPath, const std::string& runId,
                              const std::string& title);
    // One run's landscape: its grid (read from PREFIX.vts), that path (its sidecar names the
    // axes) and what the figure calls the run.
    struct Landscape {
        const core::LandscapeGrid* grid = nullptr;
        std::string vtsPath;
        std::string legend;   // e.g. "optimizer.batch_size = 10"
    };
    // The landscapes of one follow-up, by label: 2D surfaces as color maps on one shared color
    // scale, a figure each (NAME-LABEL); 1D curves of two runs on one figure (NAME), otherwise a
    // figure each. Returns each label's figure.
    std::map<std::string, StudyFigure>
    writeLandscapes(const std::string& name, const std::map<std::string, Landscape>& byLabel, const std::string& title);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};
#endif

}   // namespace minimascope::cli
