#include "demos/StartPage.h"

#include <QCheckBox>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QVBoxLayout>

#include <cmath>
#include <functional>

namespace minimascope::ui {

namespace {

const QString kShowAtStartKey = QStringLiteral("demos/showAtStart");
constexpr int kPictureWidth = 300;
constexpr int kPictureHeight = 190;
constexpr int kColumns = 3;

// One demo: the whole card is clickable.
class Card : public QFrame {
public:
    Card(const DemoCard& demo, std::function<void()> open) : m_open(std::move(open))
    {
        setObjectName(QStringLiteral("demoCard_") + demo.name);
        setFrameShape(QFrame::StyledPanel);
        setCursor(Qt::PointingHandCursor);
        setToolTip(tr("Open the demo “%1”").arg(demo.title));
        auto* layout = new QVBoxLayout(this);
        auto* picture = new QLabel;
        picture->setFixedSize(kPictureWidth, kPictureHeight);
        picture->setAlignment(Qt::AlignCenter);
        const QPixmap pixmap(demo.picturePath);
        if (!demo.picturePath.isEmpty() && !pixmap.isNull())
            picture->setPixmap(pixmap.scaled(picture->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        else
            picture->setText(tr("(no picture yet)"));
        auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(demo.title.toHtmlEscaped()));
        title->setWordWrap(true);
        auto* summary = new QLabel(demo.summary);
        summary->setWordWrap(true);
        summary->setMaximumWidth(kPictureWidth);
        auto* time = new QLabel(describeSeconds(demo.seconds));
        time->setEnabled(false);   // the muted text color
        auto* openButton = new QPushButton(tr("Open"));
        openButton->setObjectName(QStringLiteral("openDemo_") + demo.name);
        QObject::connect(openButton, &QPushButton::clicked, this, [this] { m_open(); });
        layout->addWidget(picture);
        layout->addWidget(title);
        layout->addWidget(summary, 1);
        auto* bottom = new QHBoxLayout;
        bottom->addWidget(time);
        bottom->addStretch();
        bottom->addWidget(openButton);
        layout->addLayout(bottom);
    }

protected:
    void mouseReleaseEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
            m_open();
        QFrame::mouseReleaseEvent(event);
    }

private:
    std::function<void()> m_open;
};

}   // namespace

QString describeSeconds(double seconds)
{
    if (seconds < 60.0)
        return StartPage::tr("about %1 s").arg(std::lround(seconds));
    return StartPage::tr("about %1 min").arg(std::lround(seconds / 60.0));
}

StartPage::StartPage(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("startPage"));
    setWindowTitle(tr("MinimaScope demos"));
    auto* heading = new QLabel(tr("<h2>Why does SGD find flat minima?</h2>"
                                  "<p>Each demo is a short run that shows one idea, with an explanation beside the "
                                  "plots. Pick one to start; everything stays editable in the Setup panel.</p>"));
    heading->setWordWrap(true);
    m_cards = new QWidget;
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_cards);
    m_showAtStart = new QCheckBox(tr("Show this page when MinimaScope starts (always under Help → Demos)"));
    m_showAtStart->setObjectName(QStringLiteral("showAtStart"));
    m_showAtStart->setChecked(showsAtStart());
    connect(m_showAtStart, &QCheckBox::toggled, this, [](bool on) { setShowsAtStart(on); });
    auto* close = new QPushButton(tr("Close"));
    connect(close, &QPushButton::clicked, this, &QWidget::close);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_showAtStart);
    bottom->addStretch();
    bottom->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);
    resize(3 * (kPictureWidth + 40) + 40, 620);
}

void StartPage::setDemos(const QList<DemoCard>& demos)
{
    delete m_cards->layout();
    qDeleteAll(m_cards->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly));
    m_names.clear();
    auto* grid = new QGridLayout(m_cards);
    for (int i = 0; i < demos.size(); ++i) {
        const QString name = demos[i].name;
        m_names << name;
        grid->addWidget(new Card(demos[i], [this, name] { Q_EMIT demoChosen(name); }), i / kColumns, i % kColumns,
                        Qt::AlignTop);
    }
    grid->setRowStretch(int((demos.size() + kColumns - 1) / kColumns), 1);
}

QStringList StartPage::demoNames() const { return m_names; }

bool StartPage::showsAtStart() { return QSettings().value(kShowAtStartKey, true).toBool(); }

void StartPage::setShowsAtStart(bool show) { QSettings().setValue(kShowAtStartKey, show); }

}   // namespace minimascope::ui
