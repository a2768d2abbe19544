// Thinking budgets as people read them, for every control that offers one (the model's settings,
// the composer's picker): "No limit", "No thinking", "1,024 tokens", and for a conversation
// "Model default (4,096 tokens)". One place, so the words never drift apart.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace ponder::app {

class ThinkBudget : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    static ThinkBudget* create(QQmlEngine*, QJSEngine*) { return new ThinkBudget; }

    // -1: no budget; 0: the thought is closed at once; N: tokens.
    Q_INVOKABLE static QString describe(int budget);
    // The composer's choices for a conversation: [{value, text}], the model's own budget first
    // (value -2), then the presets.
    Q_INVOKABLE static QVariantList conversationChoices(int modelBudget);
};

} // namespace ponder::app
