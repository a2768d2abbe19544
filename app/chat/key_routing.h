// What a key does in the composer and the message editor, decided in one place (and tested)
// rather than in each text area's key handler: Enter sends or saves per the send-key setting,
// Tab moves the focus on (Ctrl+Tab, or the "Tab inserts a tab" setting, types a tab), so a
// keyboard user can always leave a text area.
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace ponder::app {

class KeyRouting : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    enum Action {
        Default,        // the text area's own handling (type the character, new line...)
        Send,           // send the message / save the edit
        FocusNext,      // move on, as Tab does elsewhere
        FocusPrevious,
        InsertTab,      // type a tab character
    };
    Q_ENUM(Action)

    static KeyRouting* create(QQmlEngine*, QJSEngine*) { return new KeyRouting; }

    // `key` and `modifiers` as in a QML KeyEvent. Enter sends; with `sendWithCtrlEnter` only
    // Ctrl+Enter does and Enter is a new line. Shift+Enter is always a new line.
    Q_INVOKABLE static int action(int key, int modifiers, bool sendWithCtrlEnter, bool tabInsertsTab);
};

} // namespace ponder::app
