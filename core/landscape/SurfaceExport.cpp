#include "landscape/SurfaceExport.h"

#include "common/InputError.h"
#include "io/AtomicFile.h"
#include "io/Npy.h"
#include "io/NumberFormat.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <vtkCellArray.h>
#include <vtkDoubleArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkStructuredGrid.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLStructuredGridReader.h>
#include <vtkXMLStructuredGridWriter.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

namespace minimascope::core {

namespace {

void checkGrid(const LandscapeGrid& grid)
{
    const size_t n = grid.xs.size() * grid.ys.size();
    if (n == 0 || grid.loss.size() != n || grid.accuracy.size() != n)
        throw std::invalid_argument("landscape export: the grid's arrays do not match its axes");
}

double log10OrNaN(double value) { return value > 0 ? std::log10(value) : kNaN; }

vtkNew<vtkDoubleArray> namedArray(const char* name, const std::vector<double>& values)
{
    vtkNew<vtkDoubleArray> array;
    array->SetName(name);
    array->SetNumberOfValues(static_cast<vtkIdType>(values.size()));
    for (size_t k = 0; k < values.size(); ++k)
        array->SetValue(static_cast<vtkIdType>(k), values[k]);
    return array;
}

// VTK writes into a string; the file then appears atomically (AtomicFile.h).
template <typename Writer, typename Data> void writeVtkAtomically(const std::string& path, Data* data)
{
    vtkNew<Writer> writer;
    writer->SetInputData(data);
    writer->WriteToOutputStringOn();
    writer->SetDataModeToBinary();
    if (writer->Write() != 1)
        throw InputError(path + ": VTK could not serialize the data");
    writeFileAtomically(path, writer->GetOutputString());
}

std::vector<double> log10OrNaN(const std::vector<double>& values)
{
    std::vector<double> logs(values.size());
    for (size_t k = 0; k < values.size(); ++k)
        logs[k] = log10OrNaN(values[k]);
    return logs;
}

// A named per-point array, row-major [ys][xs] like LandscapeGrid.
struct GridColumn {
    const char* name;
    const std::vector<double>& values;
};

void writeColumnsCsv(const std::string& path, const std::vector<double>& xs, const std::vector<double>& ys,
                     const std::vector<GridColumn>& columns)
{
    std::ostringstream csv;
    csv.precision(17);
    csv << "alpha,beta";
    for (const GridColumn& column : columns)
        csv << ',' << column.name;
    csv << '\n';
    for (size_t j = 0; j < ys.size(); ++j)
        for (size_t i = 0; i < xs.size(); ++i) {
            csv << xs[i] << ',' << ys[j];
            for (const GridColumn& column : columns)
                csv << ',' << column.values[j * xs.size() + i];
            csv << '\n';
        }
    writeFileAtomically(path, csv.str());
}

// float64 [columns, ny, nx].
void writeColumnsNpy(const std::string& path, size_t nx, size_t ny, const std::vector<GridColumn>& columns)
{
    at::Tensor stacked = at::empty(
        {static_cast<int64_t>(columns.size()), static_cast<int64_t>(ny), static_cast<int64_t>(nx)}, at::kDouble);
    double* out = stacked.data_ptr<double>();
    for (const GridColumn& column : columns)
        out = std::copy(column.values.begin(), column.values.end(), out);
    writeNpy(path, stacked);
}

// The caller's description plus the axes, the .npy layout and the written files' names, as
// PREFIX.json (appended to `written`).
void writeSidecar(const std::string& path, nlohmann::json sidecar, const std::vector<double>& xs,
                  const std::vector<double>& ys, const std::string& npyLayout, std::vector<std::string>& written)
{
    sidecar["alpha"] = {{"min", xs.front()}, {"max", xs.back()}, {"points", xs.size()}};
    sidecar["beta"] = {{"min", ys.front()}, {"max", ys.back()}, {"points", ys.size()}};
    sidecar["npy_layout"] = npyLayout;
    nlohmann::json files = nlohmann::json::array();
    for (const std::string& file : written)
        files.push_back(std::filesystem::path(file).filename().string());
    sidecar["files"] = files;
    written.push_back(path);
    writeFileAtomically(path, sidecar.dump(2) + "\n");
}

}   // namespace

void writeSurfaceVts(const std::string& path, const LandscapeGrid& grid)
{
    checkGrid(grid);
    const size_t nx = grid.xs.size();
    const size_t ny = grid.ys.size();
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(static_cast<vtkIdType>(nx * ny));
    std::vector<double> logLoss(grid.loss.size());
    for (size_t j = 0; j < ny; ++j)
        for (size_t i = 0; i < nx; ++i) {
            const size_t k = grid.index(i, j);
            // The height is the loss; points not computed sit at 0 so the geometry stays valid
            // (their arrays say NaN).
            const double height = std::isfinite(grid.loss[k]) ? grid.loss[k] : 0.0;
            points->SetPoint(static_cast<vtkIdType>(k), grid.xs[i], grid.ys[j], height);
            logLoss[k] = log10OrNaN(grid.loss[k]);
        }
    vtkNew<vtkStructuredGrid> structured;
    structured->SetDimensions(static_cast<int>(nx), static_cast<int>(ny), 1);
    structured->SetPoints(points);
    structured->GetPointData()->AddArray(namedArray("loss", grid.loss));
    structured->GetPointData()->AddArray(namedArray("log10_loss", logLoss));
    structured->GetPointData()->AddArray(namedArray("accuracy", grid.accuracy));
    structured->GetPointData()->SetActiveScalars("loss");
    writeVtkAtomically<vtkXMLStructuredGridWriter>(path, structured.Get());
}

void writeTrajectoryVtp(const std::string& path, const ProjectedTrajectory& trajectory)
{
    const size_t n = trajectory.coordinates.size();
    if (trajectory.iterations.size() != n || trajectory.loss.size() != n)
        throw std::invalid_argument("landscape export: trajectory arrays of different lengths");
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    vtkNew<vtkCellArray> lines;
    lines->InsertNextCell(static_cast<vtkIdType>(n));
    std::vector<double> iterations(n);
    for (size_t k = 0; k < n; ++k) {
        const double height = std::isfinite(trajectory.loss[k]) ? trajectory.loss[k] : 0.0;
        lines->InsertCellPoint(
            points->InsertNextPoint(trajectory.coordinates[k][0], trajectory.coordinates[k][1], height));
        iterations[k] = static_cast<double>(trajectory.iterations[k]);
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points);
    poly->SetLines(lines);
    poly->GetPointData()->AddArray(namedArray("iteration", iterations));
    poly->GetPointData()->AddArray(namedArray("loss", trajectory.loss));
    writeVtkAtomically<vtkXMLPolyDataWriter>(path, poly.Get());
}

void writeSurfaceCsv(const std::string& path, const LandscapeGrid& grid)
{
    checkGrid(grid);
    writeColumnsCsv(path, grid.xs, grid.ys, {{"loss", grid.loss}, {"accuracy", grid.accuracy}});
}

void writeSurfaceNpy(const std::string& path, const LandscapeGrid& grid)
{
    checkGrid(grid);
    const std::vector<double> logLoss = log10OrNaN(grid.loss);
    writeColumnsNpy(path, grid.xs.size(), grid.ys.size(),
                    {{"loss", grid.loss}, {"accuracy", grid.accuracy}, {"log10_loss", logLoss}});
}

std::vector<std::string> exportSurface(const std::string& prefix, const LandscapeGrid& grid,
                                       const nlohmann::json& description, const ProjectedTrajectory* trajectory)
{
    std::vector<std::string> written{prefix + ".vts", prefix + ".csv", prefix + ".npy"};
    writeSurfaceVts(written[0], grid);
    writeSurfaceCsv(written[1], grid);
    writeSurfaceNpy(written[2], grid);
    if (trajectory != nullptr && !trajectory->coordinates.empty()) {
        written.push_back(prefix + "_trajectory.vtp");
        writeTrajectoryVtp(written.back(), *trajectory);
    }
    writeSidecar(prefix + ".json", description, grid.xs, grid.ys,
                 "float64 [3, beta points, alpha points]: loss, accuracy, log10 loss", written);
    return written;
}

std::vector<std::string> exportConvexity(const std::string& prefix, const ConvexityGrid& grid,
                                         const nlohmann::json& description)
{
    const size_t n = grid.xs.size() * grid.ys.size();
    if (n == 0 || grid.ratio.size() != n || grid.lambdaMin.size() != n || grid.lambdaMax.size() != n)
        throw std::invalid_argument("convexity export: the grid's arrays do not match its axes");
    const std::vector<GridColumn> columns{
        {"ratio", grid.ratio}, {"lambda_min", grid.lambdaMin}, {"lambda_max", grid.lambdaMax}};
    std::vector<std::string> written{prefix + "_convexity.csv", prefix + "_convexity.npy"};
    writeColumnsCsv(written[0], grid.xs, grid.ys, columns);
    writeColumnsNpy(written[1], grid.xs.size(), grid.ys.size(), columns);
    writeSidecar(prefix + "_convexity.json", description, grid.xs, grid.ys,
                 "float64 [3, beta points, alpha points]: |lambda_min / lambda_max|, lambda_min, lambda_max", written);
    return written;
}

LandscapeGrid readSurfaceVts(const std::string& path)
{
    if (!std::filesystem::is_regular_file(path))
        throw InputError(path + ": no such file");
    vtkNew<vtkXMLStructuredGridReader> reader;
    reader->SetFileName(path.c_str());
    reader->Update();
    vtkStructuredGrid* structured = reader->GetOutput();
    int dims[3] = {0, 0, 0};
    structured->GetDimensions(dims);
    auto* loss = vtkDoubleArray::SafeDownCast(structured->GetPointData()->GetArray("loss"));
    auto* accuracy = vtkDoubleArray::SafeDownCast(structured->GetPointData()->GetArray("accuracy"));
    const auto nx = static_cast<size_t>(dims[0]);
    const auto ny = static_cast<size_t>(dims[1]);
    // A foreign or corrupt file must not be read past its arrays: one value a point, a 2D grid.
    const auto holdsOneValuePerPoint = [nx, ny](vtkDoubleArray* array) {
        return array != nullptr && array->GetNumberOfComponents() == 1
               && static_cast<size_t>(array->GetNumberOfValues()) == nx * ny;
    };
    if (nx * ny == 0 || dims[2] != 1 || !holdsOneValuePerPoint(loss) || !holdsOneValuePerPoint(accuracy))
        throw InputError(path
                         + ": not a landscape grid (needs a 2D grid with one 'loss' and one 'accuracy' "
                           "value a point)");
    LandscapeGrid grid;
    for (size_t i = 0; i < nx; ++i)
        grid.xs.push_back(structured->GetPoint(static_cast<vtkIdType>(i))[0]);
    for (size_t j = 0; j < ny; ++j)
        grid.ys.push_back(structured->GetPoint(static_cast<vtkIdType>(j * nx))[1]);
    for (size_t k = 0; k < nx * ny; ++k) {
        grid.loss.push_back(loss->GetValue(static_cast<vtkIdType>(k)));
        grid.accuracy.push_back(accuracy->GetValue(static_cast<vtkIdType>(k)));
    }
    return grid;
}

}   // namespace minimascope::core
