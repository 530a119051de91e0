#pragma once
// minimascope-cli reproduce: one of the seed papers' studies end to end into a folder
// (docs/reproductions.md): `study run` (resumable, progress and Ctrl-C as there), `study export`,
// the study window's plots with the CSV of each, and a README of what ran. Errors throw
// InputError (exit code 2); Ctrl-C returns kCancelled with the study folder ready to resume.
#include "CliArguments.h"

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
// One figure of a study, written as NAME.png and NAME.csv (its data).
struct StudyFigure {
    std::string name;
    std::string caption;
};
// The study window's stability diagram (colored by η, by B, and by optimizer when the study has
// more than one) and a against η and against B, of the study folder studyDir, rendered headless
// (Qt's offscreen platform) into outDir. Throws InputError when a file cannot be written.
std::vector<StudyFigure> writeStudyFigures(const std::string& studyDir, const std::string& outDir);
#endif

} // namespace minimascope::cli
