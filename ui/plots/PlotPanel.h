#pragma once
// PlotPanel: the common base of MinimaScope's 2D plots. It owns a QCustomPlot and gives every
// panel the same behaviour: a theme, coalesced replots (data appends only schedule a replot on a
// 30 ms single-shot timer, so thousands of points a second cost at most ~33 repaints), a hover
// read-out of the nearest point, mouse zoom (wheel) and pan (drag), reset view (double-click),
// image export (PNG/SVG/PDF) and CSV export of the data behind the plot.
// GUI thread only. While the user has not zoomed or panned, the view follows the data; any zoom or
// pan freezes it until resetView().
// Small panels first: the legend is a row of its own under the title (it never hides data), its
// columns, the title's line breaks and the number of ticks along horizontal axes follow the width
// at every layout (screen and exports alike).
#include "PlotTheme.h"

#include <QString>
#include <QTimer>
#include <QWidget>

class QCustomPlot;
class QCPAbstractPlottable;
class QCPAxis;
class QCPGraph;
class QCPPainter;
class QCPTextElement;
class QMouseEvent;

namespace minimascope::ui {

class PlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit PlotPanel(QWidget* parent = nullptr);
    ~PlotPanel() override;

    QCustomPlot* customPlot() const { return m_plot; }

    void setTheme(const PlotTheme& theme);
    const PlotTheme& theme() const { return m_theme; }

    // A title row above the axes (empty hides it). Panels may add to it (see StabilityDiagram).
    virtual void setTitle(const QString& title);
    QString title() const;

    // Rescales the axes to the data (and whatever a panel always shows, e.g. bounds) and makes
    // the view follow new data again.
    void resetView();
    bool followsData() const { return m_followData; }

    // Writes the plot as it looks now, chosen by the suffix of `path` (.png, .svg, .pdf).
    // `size` is the output size in pixels; `dpi` scales text and lines as on a screen of that
    // resolution (96 = as on screen; 192 = twice as large) and is stored in PNG/PDF metadata.
    // Returns false with a message naming the path when it cannot write or the suffix is unknown.
    bool exportImage(const QString& path, QSize size, double dpi, QString* error) const;

    // Draws the plot laid out at width × height (pixels of the painter's coordinates) with an
    // active painter, the view brought up to date first (exports, the figure sheet).
    void renderTo(QCPPainter* painter, int width, int height) const;

    // The data behind the plot as CSV: a header row, then one row a point; numbers in the
    // shortest form that reads back to the same double; a missing value is an empty field.
    virtual QString toCsv() const = 0;
    bool exportCsv(const QString& path, QString* error) const;

    // Removes the data of the current run (see each panel for what stays).
    virtual void clear() = 0;

    // The hover read-out for a position in the plot's pixel coordinates: the nearest data point
    // within a few pixels (series, x and y with their axis names), or an empty string.
    QString readoutAt(const QPointF& pos) const;

    // True while a coalesced replot is waiting on the timer.
    bool isReplotPending() const { return m_replotTimer.isActive(); }
    // Performs a pending replot now (benchmarks, tests, before grabbing the widget).
    void replotNow();

    // Interval of the coalescing timer.
    static constexpr int replotIntervalMs = 30;
    // Where a panel chooses its scale itself: positive values spanning this factor or more (B
    // from 1 to 100, η or a over decades) get a log axis.
    static constexpr double kLogAxisSpan = 10.0;

protected:
    // Panels call this after changing data: it schedules one replot, never replots directly.
    void scheduleReplot();
    // Fits the axes to the data; panels extend it to keep their fixed features in view. It only
    // touches the QCustomPlot's axis ranges, which are a view, not the panel's data (hence const).
    virtual void fitView() const;
    // Colors of the panel's own series and items after a theme change.
    virtual void applyTheme(const PlotTheme& theme) = 0;
    // An extra line for the read-out of a point (e.g. a run's label), empty for none.
    virtual QString pointNote(const QCPAbstractPlottable* plottable, int index) const;

    // A legend entry for something drawn as items (bounds, regions, ticks): an empty graph whose
    // pen and brush the panel sets in applyTheme().
    QCPGraph* addLegendEntry(const QString& name);
    // A pen for series `index` of the theme.
    QPen seriesPen(int index, double width = 1.6, Qt::PenStyle style = Qt::SolidLine) const;
    // Shows `plottable` in the legend or takes it out (an empty series has no entry).
    void setInLegend(QCPAbstractPlottable* plottable, bool shown);

private:
    void applyBaseTheme();
    void onReplotTimer();
    // A view that follows the data but waits for its coalesced replot is fitted now.
    void bringViewUpToDate() const;
    void onMouseMove(QMouseEvent* event);
    void stopFollowing();
    // After each layout: fits the legend's columns, the title's lines and the horizontal axes'
    // tick counts to the laid-out size, and lays out again if any of them changed.
    void adaptToSize();
    bool fitLegendColumns();
    bool wrapTitle();
    bool fitTickCounts();

    QCustomPlot* m_plot = nullptr;
    QCPTextElement* m_title = nullptr;
    QString m_titleText;   // unwrapped
    QTimer m_replotTimer;
    PlotTheme m_theme = PlotTheme::light();
    bool m_followData = true;
};

// Switches a value axis between a logarithmic scale (log ticker, "1e-4"-style labels) and a linear
// one (plain numbers): the one way every panel with a log option does it.
void setAxisLogarithmic(QCPAxis* axis, bool on);

}   // namespace minimascope::ui
