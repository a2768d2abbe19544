// The whole app driven from the keyboard alone (Main.qml on AppRoot, the bundled demo model,
// offscreen): a new chat, send, stop, edit a question and save it, regenerate, switch
// conversations, rename one and delete it and undo the delete. No mouse event is sent (an event
// filter counts them: none may reach the app), and wherever the focus lands on a control, the
// window's focus ring is drawn around it.
#include "chat/chat_controller.h"
#include "chat/conversation_list_model.h"
#include "chat/engine_worker.h"
#include "core/app_root.h"
#include "ui_checks.h"

#include "ponder/conversation_store.h"

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder;
using namespace ponder::app;

namespace {
constexpr int kTimeoutMs = 60000;

// Counts every mouse event the application receives.
class MouseCounter : public QObject {
public:
    int count = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        switch (e->type()) {
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
        case QEvent::MouseMove:
            count++;
            break;
        default: break;
        }
        return false;
    }
};
} // namespace

class TestKeyboardEndToEnd : public QObject {
    Q_OBJECT

    QTemporaryDir m_profile;
    std::unique_ptr<AppRoot> m_root;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
    MouseCounter m_mouse;

    ChatController* chat() const { return m_root->chat(); }
    // The focused control's objectName. A list is a focus scope that hands its focus to its
    // current row: that counts as the list.
    QString focused() const {
        QQuickItem* item = m_window->activeFocusItem();
        for (QQuickItem* p = item; p; p = p->parentItem())
            if (p->inherits("QQuickListView") && (p->objectName() == QLatin1String("messageList") ||
                                                  p->objectName() == QLatin1String("conversationList")) &&
                item->parentItem() == p->property("contentItem").value<QQuickItem*>())
                return p->objectName();
        return item ? item->objectName() : QString();
    }
    void key(int k, Qt::KeyboardModifiers m = Qt::NoModifier) { QTest::keyClick(m_window, Qt::Key(k), m); }
    void type(const char* text) {
        for (const char* c = text; *c; ++c) QTest::keyClick(m_window, *c);
    }
    bool idle() { return QTest::qWaitFor([&] { return !chat()->generating(); }, kTimeoutMs); }
    QString storedTitle(qint64 id) {
        Conversation c;
        std::string error;
        std::string why;
        auto db = Database::open(m_root->paths().databasePath().toStdString(), why);
        ConversationStore store(*db);
        return store.get_conversation(id, c, error) ? QString::fromStdString(c.title) : QString();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_profile.isValid());
        QQuickStyle::setStyle(QStringLiteral("Material"));
        m_root = std::make_unique<AppRoot>(m_profile.path());
        QString error;
        OpenFailure failure;
        QVERIFY2(m_root->start(error, failure), qPrintable(error));
        m_engine = std::make_unique<QQmlApplicationEngine>();
        AppRoot::prepareQmlEngine(*m_engine);
        m_engine->setInitialProperties(m_root->qmlProperties());
        m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().first());
        QVERIFY(m_window);
        m_window->resize(1100, 760);
        m_root->loadStartupModel();
        QVERIFY(QTest::qWaitFor([&] { return chat()->modelReady(); }, kTimeoutMs));
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        qApp->installEventFilter(&m_mouse);
    }

    void sendAndStop() {
        key(Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(focused(), QStringLiteral("composerInput"));
        type("What is 47 + 385?");
        // The engine thread is held until Esc has been pressed: the demo model answers within
        // milliseconds, and QTest's key clicks deliver queued events, so the whole answer could
        // otherwise arrive between Enter and Esc.
        QSemaphore gate;
        QMetaObject::invokeMethod(m_root->worker(), [&gate] { gate.acquire(); }, Qt::QueuedConnection);
        key(Qt::Key_Return);
        const bool generating = chat()->generating();
        key(Qt::Key_Escape);  // before the worker even starts: the answer is stopped
        gate.release();
        QVERIFY(generating);
        QVERIFY(idle());
        QCOMPARE(chat()->messages()->count(), 2);
        QCOMPARE(chat()->messages()->message(1)->state, MessageState::Cancelled);
    }

    void sendAndAnswer() {
        QCOMPARE(focused(), QStringLiteral("composerInput"));
        type("What is 63 * 7?");
        key(Qt::Key_Return);
        QVERIFY(idle());
        QCOMPARE(chat()->messages()->count(), 4);
        QCOMPARE(chat()->messages()->message(3)->state, MessageState::Complete);
    }

    void editAndSave() {
        // Back from the composer to the message list, up to the question, on to its Edit button.
        key(Qt::Key_Backtab, Qt::ShiftModifier);
        QTRY_COMPARE(focused(), QStringLiteral("messageList"));
        key(Qt::Key_Up);
        QCOMPARE(m_window->findChild<QQuickItem*>(QStringLiteral("messageList"))->property("currentIndex").toInt(), 2);
        key(Qt::Key_Tab);
        QCOMPARE(focused(), QStringLiteral("copyMessageButton"));
        QTRY_VERIFY2(test::focusRingAround(m_window), "the focus ring is drawn around the focused button");
        key(Qt::Key_Tab);
        QCOMPARE(focused(), QStringLiteral("editButton"));
        QTRY_VERIFY(test::focusRingAround(m_window));  // once the dialog or row has settled
        key(Qt::Key_Space);
        QTRY_COMPARE(focused(), QStringLiteral("editArea"));
        key(Qt::Key_A, Qt::ControlModifier);
        type("What is 9 * 7?");
        key(Qt::Key_Return);  // saves and sends, as in the composer
        QCOMPARE(focused(), QStringLiteral("composerInput"));  // and the focus goes on to the composer
        QVERIFY(idle());
        QCOMPARE(chat()->messages()->count(), 4);
        QCOMPARE(QString::fromStdString(chat()->messages()->message(2)->content), QStringLiteral("What is 9 * 7?"));
        QCOMPARE(chat()->messages()->message(2)->sibling_count, 2);  // the original kept, one page away
    }

    void regenerate() {
        const qint64 before = chat()->messages()->message(3)->id;
        key(Qt::Key_R, Qt::ControlModifier);
        QVERIFY(idle());
        QVERIFY(chat()->messages()->message(3)->id != before);
        QCOMPARE(chat()->messages()->message(3)->sibling_count, 2);
    }

    void switchConversation() {
        const qint64 first = chat()->conversationId();
        key(Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(focused(), QStringLiteral("composerInput"));
        type("What is 2 + 2?");
        key(Qt::Key_Return);
        QVERIFY(idle());
        const qint64 second = chat()->conversationId();
        QVERIFY(second != first);
        key(Qt::Key_PageDown, Qt::ControlModifier);  // the next (older) conversation
        QTRY_COMPARE(chat()->conversationId(), first);
        key(Qt::Key_PageUp, Qt::ControlModifier);
        QTRY_COMPARE(chat()->conversationId(), second);
    }

    void rename() {
        const qint64 id = chat()->conversationId();
        key(Qt::Key_L, Qt::ControlModifier);  // the conversation list, its cursor on the open one
        QTRY_COMPARE(focused(), QStringLiteral("conversationList"));
        key(Qt::Key_F2);
        QTRY_COMPARE(focused(), QStringLiteral("renameField"));
        type("Renamed from the keyboard");  // replaces the selected title
        key(Qt::Key_Return);
        QTRY_COMPARE(storedTitle(id), QStringLiteral("Renamed from the keyboard"));
        QTRY_COMPARE(focused(), QStringLiteral("conversationList"));
    }

    void deleteAndUndo() {
        const qint64 id = chat()->conversationId();
        const int rows = chat()->visibleConversations()->rowCount();
        key(Qt::Key_Delete);
        QTRY_COMPARE(focused(), QStringLiteral("deleteCancel"));  // the safe choice first
        QTRY_VERIFY(test::focusRingAround(m_window));  // once the dialog or row has settled
        key(Qt::Key_Tab);
        QCOMPARE(focused(), QStringLiteral("deleteConfirm"));
        key(Qt::Key_Space);
        QTRY_COMPARE(chat()->visibleConversations()->rowCount(), rows - 1);
        QVERIFY(chat()->pendingDeletion()->active());
        QTRY_COMPARE(focused(), QStringLiteral("conversationList"));
        key(Qt::Key_Z, Qt::ControlModifier);
        QTRY_COMPARE(chat()->visibleConversations()->rowCount(), rows);
        QCOMPARE(chat()->conversationId(), id);
        QCOMPARE(storedTitle(id), QStringLiteral("Renamed from the keyboard"));
    }

    void noMouseWasUsed() { QCOMPARE(m_mouse.count, 0); }

    void cleanupTestCase() {
        qApp->removeEventFilter(&m_mouse);
        m_engine.reset();
        m_root.reset();
    }
};

QTEST_MAIN(TestKeyboardEndToEnd)
#include "test_keyboard_e2e.moc"
