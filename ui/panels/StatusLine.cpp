#include "panels/StatusLine.h"

#include <QLabel>
#include <QResizeEvent>

namespace minimascope::ui {

StatusLine::StatusLine(QWidget* parent) : QWidget(parent), m_label(new QLabel(this))
{
    m_label->setObjectName(QStringLiteral("runStatus"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void StatusLine::setText(const QString& text, bool error)
{
    m_label->setText(text);
    m_label->setToolTip(text);
    m_label->setStyleSheet(error ? QStringLiteral("color: #d0342c;") : QString());
}

QString StatusLine::text() const { return m_label->text(); }

QSize StatusLine::sizeHint() const { return {400, fontMetrics().height() + 4}; }

void StatusLine::resizeEvent(QResizeEvent* event)
{
    m_label->setGeometry(QRect(QPoint(0, 0), event->size()));
    QWidget::resizeEvent(event);
}

}   // namespace minimascope::ui
