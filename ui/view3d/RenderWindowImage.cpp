#include "RenderWindowImage.h"

#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkUnsignedCharArray.h>

#include <cstring>

namespace minimascope::ui {

QImage renderWindowImage(vtkRenderWindow* window)
{
    const int width = window->GetSize()[0];
    const int height = window->GetSize()[1];
    if (width <= 0 || height <= 0)
        return {};
    vtkNew<vtkUnsignedCharArray> pixels;
    // The front buffer holds the finished frame; OpenGL rows run bottom to top.
    if (window->GetPixelData(0, 0, width - 1, height - 1, /*front=*/1, pixels) == 0
        || pixels->GetNumberOfValues() != static_cast<vtkIdType>(width) * height * 3)
        return {};
    QImage image(width, height, QImage::Format_RGB888);
    const auto rowBytes = static_cast<size_t>(width) * 3;
    for (int row = 0; row < height; ++row)
        std::memcpy(image.scanLine(height - 1 - row), pixels->GetPointer(static_cast<vtkIdType>(row) * width * 3),
                    rowBytes);
    return image;
}

}   // namespace minimascope::ui
