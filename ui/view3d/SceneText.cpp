#include "SceneText.h"

#include <QByteArray>
#include <QFileInfo>
#include <QString>

#include <vtkTextProperty.h>

namespace minimascope::ui {
namespace {

// The first installed of a few common fonts that have Greek letters; empty if none is.
const QByteArray& unicodeFontFile()
{
    static const QByteArray path = [] {
        for (const char* candidate : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                      "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                                      "/usr/share/fonts/truetype/freefont/FreeSans.ttf"}) {
            if (QFileInfo::exists(QString::fromLatin1(candidate)))
                return QByteArray(candidate);
        }
        return QByteArray();
    }();
    return path;
}

}   // namespace

void styleSceneText(vtkTextProperty* text, const double color[3])
{
    text->SetColor(color[0], color[1], color[2]);
    text->ShadowOff();
    text->BoldOff();
    text->ItalicOff();
    if (!unicodeFontFile().isEmpty()) {
        text->SetFontFamily(VTK_FONT_FILE);
        text->SetFontFile(unicodeFontFile().constData());
    }
}

}   // namespace minimascope::ui
