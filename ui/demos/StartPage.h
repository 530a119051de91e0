#pragma once
// The start page: a gallery of the teaching demos, one card each (a picture the app made of the
// demo, its title, one sentence and the time it takes). A click on a card asks for the demo.
// Shown at launch until the user unticks "Show at start" (QSettings key demos/showAtStart);
// always reachable under Help → Demos. A window of its own over the main window.
// GUI thread only.
#include <QList>
#include <QString>
#include <QWidget>

class QCheckBox;

namespace minimascope::ui {

struct DemoCard {
    QString name;
    QString title;
    QString summary;
    QString picturePath;   // empty: no picture
    double seconds = 0.0;
};

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    void setDemos(const QList<DemoCard>& demos);
    // The names on the cards, in order.
    QStringList demoNames() const;
    // Whether the page shows at launch (the QSettings value, true when never set).
    static bool showsAtStart();
    static void setShowsAtStart(bool show);

Q_SIGNALS:
    void demoChosen(const QString& name);

private:
    QWidget* m_cards = nullptr;
    QCheckBox* m_showAtStart = nullptr;
    QStringList m_names;
};

// "about 5 s", "about 1 min".
QString describeSeconds(double seconds);

}   // namespace minimascope::ui
