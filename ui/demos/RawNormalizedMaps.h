#pragma once
// The map grid of the demos that put a loss plane through raw directions beside the same plane
// through filter-normalized ones (Li et al. 2018): the filter-normalization lesson (a row per
// minimum) and the rescaling lesson (one row). Column titles over one axis rect per map, and one
// logarithmic color scale on the right that every map shares, so that the pictures compare color
// for color. Without the raw column (the "surfaces" view of the architectures demo: minima of
// different networks, which only filter-normalized directions compare) each minimum's
// normalized map is titled with its label, `columns` maps to a row. GUI thread only.
#include "PlotTheme.h"

#include <QList>
#include <QString>

#include <vector>

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;

namespace minimascope::ui {

struct RawNormalizedMapsLayout {
    int rows = 1;
    QStringList rowLabels;     // prefixed to the left axis label of each row's raw map ("A: β")
    QString normalizedTitle;   // the right column's title (the left one is "raw directions")
    QString alphaLabel, betaLabel;
    QString scaleLabel;
    bool rawColumn = true;   // false: the normalized maps only, each titled with its row label
    int columns = 2;         // without the raw column: maps to a row of the grid
};

struct RawNormalizedMaps {
    QCPColorScale* scale = nullptr;
    // row-major: raw, normalized of row 0, then row 1, ...; without the raw column, one a row
    QList<QCPColorMap*> maps;
};

// Replaces `plot`'s layout with the grid.
RawNormalizedMaps buildRawNormalizedMaps(QCustomPlot* plot, const RawNormalizedMapsLayout& layout);

// The mean loss over a plane: the mean of its finite values (a point not computed is NaN), NaN
// when there are none.
double meanOverPlane(const std::vector<double>& losses);

// The theme's colors on every axis of `plot` (with `scale`'s) and on the grid's column titles.
void applyRawNormalizedMapsTheme(QCustomPlot* plot, QCPColorScale* scale, const PlotTheme& theme);

}   // namespace minimascope::ui
