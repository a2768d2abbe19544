// Every page and dialog of the real app (AppRoot + Main.qml, the bundled demo model, a profile
// seeded with a conversation that uses all of Markdown), at 800x600 and 1400x900, light and
// dark, saved as screenshots ($PONDER_SCREENSHOT_DIR, default ./screenshots: in the build tree
// build/tests/app/screenshots) and checked as a demanding user would look at them:
//   - no item lies (even partly) outside the window;
//   - every text reads at >= 4.5:1 against what is behind it (its colour from the theme, the
//     background from the picture);
//   - no button, menu item or combo box is cut (narrower than its content, or elided);
//   - every interactive item has an accessible name.
// Runs on Xvfb with Mesa's OpenGL (tests/app/CMakeLists.txt): offscreen, Qt Quick skips the
// Material style's layer effects and dialogs come out transparent, which would make the colour
// checks meaningless.
#include "chat/chat_controller.h"
#include "core/app_root.h"
#include "model_test_fixtures.h"
#include "models/model_library.h"
#include "models/model_loader.h"
#include "models/model_settings.h"
#include "providers/provider_store.h"
#include "providers/secret_store.h"
#include "settings/app_settings.h"
#include "ui_checks.h"

#include "ponder/conversation_store.h"
#include "ponder/streaming_writer.h"

#include <QAccessible>
#include <QDir>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <algorithm>
#include <functional>

Q_IMPORT_QML_PLUGIN(PonderPlugin)
Q_IMPORT_QML_PLUGIN(Ponder_CorePlugin)

using namespace ponder;
using namespace ponder::app;
using namespace ponder::test;

namespace {

QString screenshotDir() {
    QString dir = qEnvironmentVariable("PONDER_SCREENSHOT_DIR");
    if (dir.isEmpty()) dir = QDir::currentPath() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir;
}

// The answer that exercises the renderer: headings, emphasis, inline code, a literal tag, a
// table, math, a long code line that must scroll, and a boxed answer.
const char* kRichAnswer =
    "## Checking the sum\n\n"
    "Adding **column by column**: the ones give `7 + 5 = 12`, so write 2 and carry 1. The model's own "
    "tags such as <think> and </think> are shown as written.\n\n"
    "| column | digits | sum |\n|---|---|---|\n| ones | 7 + 5 | 12 |\n| tens | 4 + 8 + 1 | 13 |\n\n"
    "With fractions, $\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}$; the root $\\sqrt{x^2 + 1}$, the "
    "index $a_{ij}$ and $e^{i\\pi} = -1$ with $\\alpha, \\beta, \\Omega$.\n\n"
    "```python\ndef add(a: int, b: int) -> int:\n    # the same, in code; this comment is long enough to need a horizontal scroll bar\n"
    "    return a + b\n```\n\n"
    "So 47 + 385 = \\boxed{432}.";

struct View {
    QString name;
    std::function<QObject*()> open;  // returns the modal popup shown, if any
    std::function<void()> close;
};

} // namespace

class TestScreenshots : public QObject {
    Q_OBJECT

    QTemporaryDir m_profile;
    std::unique_ptr<AppRoot> m_root;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
    qint64 m_richConversation = 0;
    QObject* m_openMenu = nullptr;
    QStringList m_problems;

    // A profile with conversations: the rich answer, a question stopped mid-thought, a pinned one.
    void seed() {
        std::string error;
        auto db = Database::open(QDir(m_profile.path()).filePath(QStringLiteral("ponder.db")).toStdString(), error);
        QVERIFY2(db, error.c_str());
        ConversationStore store(*db);
        auto answer = [&](qint64 conversation, qint64 question, const char* reasoning, const char* content,
                          MessageState state, qint64 reasoningMs, const char* forced = "") {
            const qint64 id = store.begin_assistant_message(conversation, question, "ponder-demo.gguf", error);
            StreamingWriter writer(*db, id);
            writer.add_reasoning(reasoning);
            writer.add_content(content);
            MessageStats stats;
            stats.generated_tokens = 312;
            stats.generation_tokens_per_s = 9120.4;
            stats.prompt_tokens = 21;
            stats.prompt_tokens_per_s = 2100;
            stats.reasoning_ms = reasoningMs;
            stats.forced_thinking = forced;
            writer.finish(state, stats, "", error);
        };
        qint64 c = store.create_conversation("Adding 47 and 385, with working shown", {}, error);
        qint64 q = store.append_user_message(c, "What is 47 + 385? Show the working.", error);
        answer(c, q, "7 + 5 = 12, write 2 carry 1. 4 + 8 + 1 = 13, write 3 carry 1. 3 + 1 = 4.", kRichAnswer,
               MessageState::Complete, 3240);
        m_richConversation = c;
        c = store.create_conversation("A question stopped while the model was still thinking about it", {}, error);
        q = store.append_user_message(c, "How many r's are in strawberry?", error);
        answer(c, q, "s-t-r-a-w-b-e-r-r-y: the r's are at positions 3, 8 and 9", "", MessageState::Cancelled, 4100);
        // Reasoning control: a thought the budget cut, and one that went in circles until it ended.
        c = store.create_conversation("Thought cut by the thinking budget", {}, error);
        q = store.append_user_message(c, "What is 4738 + 2956?", error);
        answer(c, q, "Compute 4738 + 2956.\nOnes: 8 + 6 + 0 = 14, write 4, carry 1\nTens: 3 + 5 + 1 = 9, write 9, carry 0\n",
               "4738 + 2956 = \\boxed{7694}", MessageState::Complete, 900,
               R"js([{"kind":"budget","at":64,"description":"Thought cut at 64 tokens (the thinking budget)"}])js");
        c = store.create_conversation("A thought that went in circles", {}, error);
        q = store.append_user_message(c, "How many b's are in qbjwb?", error);
        answer(c, q, "Count the letter b in qbjwb.\nq b no 0\nb b yes 1\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
               "There are \\boxed{2} b's in qbjwb.", MessageState::Complete, 2100,
               R"js([{"kind":"loop","at":170,"span":32,"first_at":74,"description":"Loop detected at 170 tokens: the same 32 tokens over and over"},)js"
               R"js({"kind":"loop_end","at":170,"description":"Thought ended at 170 tokens: it was going in circles"}])js");
        c = store.create_conversation("Pinned: the demo model's favourite questions", {}, error);
        q = store.append_user_message(c, "Hi", error);
        answer(c, q, "A greeting.", "Hello! Ask me to **add**, subtract or count letters.", MessageState::Complete, 40);
        QVERIFY(store.set_pinned(c, true, error));
    }

    // Opens the conversation whose title starts with `prefix`.
    void openTitled(const char* prefix) {
        ConversationListModel* list = m_root->conversations();
        for (int i = 0; i < list->rowCount(); ++i)
            if (list->data(list->index(i), ConversationListModel::TitleRole).toString().startsWith(QLatin1String(prefix)))
                m_root->chat()->openConversation(list->data(list->index(i), ConversationListModel::ConversationIdRole).toLongLong());
    }

    // An eval result with a thinking curve, as ponder-cli eval --think-budgets --json writes it.
    QString curveFile() {
        const QString path = QDir(m_profile.path()).filePath(QStringLiteral("curve.json"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(R"js({"n":1000,"samples":1,"temperature":0,"suite":"resources/eval/demo-suite.jsonl","curve":[)js"
                    R"js({"think_budget":0,"accuracy":0.142,"pass_at_1":0.142,"mean_reasoning_tokens":0.0},)js"
                    R"js({"think_budget":64,"accuracy":0.176,"pass_at_1":0.176,"mean_reasoning_tokens":64.1},)js"
                    R"js({"think_budget":128,"accuracy":0.485,"pass_at_1":0.485,"mean_reasoning_tokens":112.1},)js"
                    R"js({"think_budget":192,"accuracy":0.776,"pass_at_1":0.776,"mean_reasoning_tokens":136.5},)js"
                    R"js({"think_budget":"unlimited","accuracy":0.972,"pass_at_1":0.972,"mean_reasoning_tokens":158.1}]})js");
        return path;
    }

    QQuickItem* findItem(const char* name) { return m_window->findChild<QQuickItem*>(QString::fromLatin1(name)); }
    // Delegates of a list are children of its content item, not QObject children of the window.
    static QList<QQuickItem*> delegatesOf(QQuickItem* list) {
        QQuickItem* content = list ? list->property("contentItem").value<QQuickItem*>() : nullptr;
        return content ? content->childItems() : QList<QQuickItem*>();
    }
    QObject* findObject(const char* name) { return m_window->findChild<QObject*>(QString::fromLatin1(name)); }

    // A popup opened by the caller, once its opening transition ended.
    QObject* opened(QObject* popup) {
        if (!popup || !QTest::qWaitFor([&] { return popup->property("opened").toBool(); }, 3000))
            m_problems << QStringLiteral("did not open: %1").arg(popup ? popup->objectName() : QStringLiteral("(not found)"));
        return popup;
    }
    QObject* openPopup(QObject* popup) {
        if (popup) QMetaObject::invokeMethod(popup, "open");
        return opened(popup);
    }
    void closePopup(QObject* popup) {
        if (!popup) return;
        QMetaObject::invokeMethod(popup, "close");
        if (!QTest::qWaitFor([&] { return !popup->property("visible").toBool(); }, 3000))
            m_problems << QStringLiteral("did not close: %1").arg(popup->objectName());
    }

    void setPage(const char* page) { m_window->setProperty("page", QString::fromLatin1(page)); }

    // An item by object name in the visual tree under `root` (Repeater delegates are not QObject
    // children of the window).
    static QQuickItem* findVisual(QQuickItem* root, const QString& name) {
        if (!root) return nullptr;
        for (QQuickItem* child : root->childItems()) {
            if (child->objectName() == name && child->isVisible()) return child;
            if (QQuickItem* found = findVisual(child, name)) return found;
        }
        return nullptr;
    }

    // Types a device spec into R1's plan field and waits for the plan (empty: this computer).
    void planFor(const QString& devices) {
        QQuickItem* field = findVisual(findItem("modelsScroll"), QStringLiteral("planDevicesField"));
        if (!field) {
            m_problems << QStringLiteral("no device field on the R1 card");
            return;
        }
        field->setProperty("text", devices);
        QMetaObject::invokeMethod(field, "accepted");
        QTest::qWait(300);  // planned on a worker: a few milliseconds for a header
    }

    // The active model's "Runs on" and "GPU layers" settings (its loaded copy stays as it is).
    void setGpu(const QString& device, int layers) {
        ModelSettingsStore* store = m_root->library()->settingsStore();
        const QString path = m_root->loader()->activePath();
        ModelSettings s = store->settings(path);
        s.device = device;
        s.gpuLayers = layers;
        store->setSettings(path, s);
    }

    // Scrolls the Models page so that the card holding `objectName` starts at its top (none:
    // back to the top of the page).
    void scrollModels(const char* objectName = nullptr) {
        QQuickItem* scroll = findItem("modelsScroll");
        auto* flick = scroll ? scroll->property("contentItem").value<QQuickItem*>() : nullptr;
        QQuickItem* target = objectName ? findVisual(scroll, QString::fromLatin1(objectName)) : nullptr;
        if (!flick || (objectName && !target)) {
            m_problems << QStringLiteral("cannot scroll the models page to %1").arg(QString::fromLatin1(objectName));
            return;
        }
        qreal y = 0;
        if (target) {
            // The card's column (the card's padding above it is 14 px), in the page's coordinates.
            QQuickItem* column = target->parentItem();
            y = column->mapToItem(flick->property("contentItem").value<QQuickItem*>(), QPointF(0, 0)).y() - 14 - 12;
        }
        const qreal most = std::max(0.0, flick->property("contentHeight").toReal() - flick->height());
        flick->setProperty("contentY", std::clamp(y, 0.0, most));
    }

    QList<View> views() {
        QList<View> v;
        v << View{QStringLiteral("chat-empty"), [this] { setPage("chat"); m_root->chat()->newConversation(); return nullptr; }, {}};
        v << View{QStringLiteral("chat-answer"), [this] {
                      setPage("chat");
                      m_root->chat()->openConversation(m_richConversation);
                      QTest::qWait(200);
                      QMetaObject::invokeMethod(findObject("messageList"), "positionViewAtEnd");
                      return nullptr;
                  }, {}};
        v << View{QStringLiteral("chat-answer-top"), [this] {
                      findObject("messageList")->setProperty("followBottom", false);
                      QMetaObject::invokeMethod(findObject("messageList"), "positionViewAtBeginning");
                      return nullptr;
                  }, {}};
        v << View{QStringLiteral("chat-thinking-open"), [this] {
                      const qint64 answerId = m_root->chat()->messages()->message(1)->id;
                      m_root->chat()->toggleReasoning(answerId);
                      QTest::qWait(100);
                      findObject("messageList")->setProperty("followBottom", false);
                      QMetaObject::invokeMethod(findObject("messageList"), "positionViewAtBeginning");
                      return nullptr;
                  }, [this] { m_root->chat()->toggleReasoning(m_root->chat()->messages()->message(1)->id); }};
        v << View{QStringLiteral("chat-editing"), [this] {
                      findObject("messageList")->setProperty("followBottom", false);
                      QMetaObject::invokeMethod(findObject("messageList"), "positionViewAtBeginning");
                      QTest::qWait(100);
                      for (QQuickItem* d : delegatesOf(findItem("messageList")))
                          if (d->property("isUser").toBool() && d->property("messageId").toLongLong() > 0) {
                              QMetaObject::invokeMethod(d, "startEditing");
                              break;
                          }
                      return nullptr;
                  }, [this] {
                      for (QQuickItem* d : delegatesOf(findItem("messageList")))
                          if (d->property("editing").toBool()) d->setProperty("editing", false);
                  }};
        v << View{QStringLiteral("chat-stopped"), [this] {
                      ConversationListModel* list = m_root->conversations();
                      for (int i = 0; i < list->rowCount(); ++i)
                          if (list->data(list->index(i), ConversationListModel::TitleRole).toString().startsWith("A question stopped"))
                              m_root->chat()->openConversation(list->data(list->index(i), ConversationListModel::ConversationIdRole).toLongLong());
                      return nullptr;
                  }, {}};
        v << View{QStringLiteral("chat-thought-cut"), [this] {
                      openTitled("Thought cut by");
                      QTest::qWait(100);
                      m_root->chat()->toggleReasoning(m_root->chat()->messages()->message(1)->id);
                      return nullptr;
                  }, {}};
        v << View{QStringLiteral("chat-loop-warning"), [this] {
                      openTitled("A thought that went in circles");
                      return nullptr;
                  }, {}};
        v << View{QStringLiteral("chat-undo-bar"), [this] {
                      m_root->chat()->deleteMessage(m_root->chat()->messages()->message(1)->id);
                      return nullptr;
                  }, [this] { m_root->chat()->undoDelete(); }};
        v << View{QStringLiteral("conversation-menu"), [this] {
                      setPage("chat");
                      for (QQuickItem* row : delegatesOf(findItem("conversationList")))
                          if (QObject* menu = row->findChild<QObject*>(QStringLiteral("conversationMenu"))) {
                              m_openMenu = menu;
                              return openPopup(menu);
                          }
                      return opened(nullptr);
                  }, [this] { closePopup(m_openMenu); }};
        v << View{QStringLiteral("model-picker"), [this] { return openPopup(findObject("modelPickerMenu")); },
                  [this] { closePopup(findObject("modelPickerMenu")); }};
        v << View{QStringLiteral("rename-dialog"), [this] {
                      QObject* d = findObject("renameDialog");
                      QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, m_richConversation),
                                                Q_ARG(QVariant, QStringLiteral("Adding 47 and 385, with working shown")));
                      return opened(d);
                  }, [this] { closePopup(findObject("renameDialog")); }};
        v << View{QStringLiteral("delete-dialog"), [this] {
                      QObject* d = findObject("deleteDialog");
                      QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, m_richConversation),
                                                Q_ARG(QVariant, QStringLiteral("Adding 47 and 385, with working shown")));
                      return opened(d);
                  }, [this] { closePopup(findObject("deleteDialog")); }};
        v << View{QStringLiteral("settings"), [this] { return openPopup(findObject("settingsDialog")); },
                  [this] { closePopup(findObject("settingsDialog")); }};
        v << View{QStringLiteral("thinking-curve"), [this] {
                      QObject* dialog = findObject("thinkingCurveDialog");
                      QMetaObject::invokeMethod(dialog, "show", Q_ARG(QVariant, QUrl::fromLocalFile(curveFile())));
                      QObject* shown = opened(dialog);
                      auto* image = m_window->findChild<QQuickItem*>(QStringLiteral("thinkingCurveImage"));
                      // Image.Ready: the plot was drawn and its SVG read back.
                      [&] { QVERIFY(image && QTest::qWaitFor([&] { return image->property("status").toInt() == 1; }, 3000)); }();
                      return shown;
                  }, [this] { closePopup(findObject("thinkingCurveDialog")); }};
        v << View{QStringLiteral("help"), [this] { return openPopup(findObject("helpSheet")); },
                  [this] { closePopup(findObject("helpSheet")); }};
        v << View{QStringLiteral("models"), [this] { setPage("models"); return nullptr; }, {}};
        v << View{QStringLiteral("models-r1-plan"), [this] {
                      setPage("models");
                      QTest::qWait(100);
                      scrollModels("modelPlan");
                      return nullptr;
                  }, {}};
        // The plan for another machine, typed in the card's field: what goes where, the speed.
        v << View{QStringLiteral("models-r1-plan-gpu"), [this] {
                      planFor(QStringLiteral("cuda:24GiB+cpu:512GiB"));
                      scrollModels("modelPlan");
                      return nullptr;
                  }, [this] {
                      planFor({});
                      scrollModels();
                  }};
        v << View{QStringLiteral("model-settings"), [this] {
                      QObject* d = findObject("modelSettingsDialog");
                      d->setProperty("modelPath", m_root->loader()->activePath());
                      d->setProperty("modelName", QStringLiteral("ponder-demo.gguf"));
                      return openPopup(d);
                  }, [this] { closePopup(findObject("modelSettingsDialog")); }};
        // The demo model on the GPU (lavapipe) with 2 of its 4 layers: the memory bar's GPU and RAM
        // shares, and the settings' GPU layer count.
        v << View{QStringLiteral("models-gpu-split"), [this] {
                      setGpu(QStringLiteral("vulkan#0"), 2);
                      setPage("models");
                      QTest::qWait(100);
                      scrollModels();
                      return nullptr;
                  }, [this] { setGpu(QStringLiteral("auto"), -1); }};
        v << View{QStringLiteral("model-settings-gpu"), [this] {
                      setGpu(QStringLiteral("vulkan#0"), 2);
                      QObject* d = findObject("modelSettingsDialog");
                      d->setProperty("modelPath", m_root->loader()->activePath());
                      d->setProperty("modelName", QStringLiteral("ponder-demo.gguf"));
                      return openPopup(d);
                  }, [this] {
                      closePopup(findObject("modelSettingsDialog"));
                      setGpu(QStringLiteral("auto"), -1);
                  }};
        v << View{QStringLiteral("providers"), [this] { setPage("providers"); return nullptr; }, {}};
        v << View{QStringLiteral("add-provider"), [this] { return openPopup(findObject("addProviderDialog")); },
                  [this] { closePopup(findObject("addProviderDialog")); }};
        v << View{QStringLiteral("provider-editor-new"), [this] {
                      QObject* d = findObject("providerEditorDialog");
                      QMetaObject::invokeMethod(d, "openNew", Q_ARG(QVariant, QStringLiteral("custom")));
                      return opened(d);
                  }, [this] { closePopup(findObject("providerEditorDialog")); }};
        v << View{QStringLiteral("delete-provider"), [this] {
                      QObject* d = findObject("deleteProviderDialog");
                      QMetaObject::invokeMethod(d, "ask", Q_ARG(QVariant, QStringLiteral("x")), Q_ARG(QVariant, QStringLiteral("DeepSeek")));
                      return opened(d);
                  }, [this] { closePopup(findObject("deleteProviderDialog")); setPage("chat"); }};
        return v;
    }

    void check(const View& view, QObject* popup, const QString& shotName) {
        QTest::qWait(250);  // transitions (popups fade in over 150 ms) and text layout settle
        const QImage shot = m_window->grabWindow();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(screenshotDir() + QLatin1Char('/') + shotName + QStringLiteral(".png")));
        QQuickItem* root = m_window->contentItem();
        // A modal dialog dims the rest: what must read well is the dialog. A menu is checked alone
        // too (it covers what is under it).
        if (popup) {
            auto* content = popup->property("contentItem").value<QQuickItem*>();
            QVERIFY2(content && content->parentItem(), qPrintable(view.name));
            root = content->parentItem();
        }
        const QString where = QStringLiteral("[%1] ").arg(shotName);
        for (const QString& p : itemsOutsideWindow(m_window, m_window->contentItem())) m_problems << where + p;
        for (const QString& p : lowContrastTexts(m_window, shot, root)) m_problems << where + p;
        for (const QString& p : clippedControls(root)) m_problems << where + p;
        for (const QString& p : unnamedInteractiveItems(root)) m_problems << where + p;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_profile.isValid());
        // As with a screen reader running when the app starts (Qt Quick then sets up each
        // control's accessibility as it is created). Names are not left to Qt to derive from a
        // control's text: Qt 6.4 does that only when accessibility turns on after the control
        // exists, so the app names every control itself, and this test holds it to that.
        QAccessible::setActive(true);
        QQuickStyle::setStyle(QStringLiteral("Material"));
        seed();
        if (QTest::currentTestFailed()) return;
        m_root = std::make_unique<AppRoot>(m_profile.path());
        m_root->setSecretStore(std::make_unique<MemorySecretStore>());
        QString error;
        OpenFailure failure;
        QVERIFY2(m_root->start(error, failure), qPrintable(error));
        ProviderConfig deepseek = providerFromPreset(QStringLiteral("deepseek"));
        QVERIFY(!m_root->providers()->add(deepseek).isEmpty());
        m_engine = std::make_unique<QQmlApplicationEngine>();
        ponder::app::AppRoot::prepareQmlEngine(*m_engine);
        m_engine->setInitialProperties(m_root->qmlProperties());
        m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/Ponder/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().first());
        QVERIFY(m_window);
        m_root->loadStartupModel();
        QVERIFY(QTest::qWaitFor([&] { return m_root->chat()->modelReady(); }, 60000));
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        // Full R1's header on the Models page (sparse: ~404 GB apparent, ~3 MB on disk, in the
        // profile folder, which goes at the end): its card with the plan for this computer.
        const QString r1 = QDir(m_profile.path()).filePath(QStringLiteral("DeepSeek-R1-Q4_K_M.gguf"));
        QVERIFY2(writeR1Header(r1, &error), qPrintable(error));
        QVERIFY(m_root->library()->addFile(r1, ModelSource::Added));
        QVERIFY(QTest::qWaitFor([&] { return !m_root->library()->busy(); }, 10000));
    }

    void everyPageAndDialog_data() {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("theme");
        for (const QSize& size : {QSize(800, 600), QSize(1400, 900)})
            for (const char* theme : {"light", "dark"})
                QTest::addRow("%dx%d-%s", size.width(), size.height(), theme) << size << QString::fromLatin1(theme);
    }

    void everyPageAndDialog() {
        QFETCH(QSize, size);
        QFETCH(QString, theme);
        m_root->settings()->setTheme(theme);
        m_window->resize(size);
        QVERIFY(QTest::qWaitFor([&] { return m_window->size() == size; }, 3000));
        m_problems.clear();
        int shots = 0;
        for (const View& view : views()) {
            QObject* popup = view.open();
            const QString name = QStringLiteral("%1-%2x%3-%4").arg(view.name).arg(size.width()).arg(size.height()).arg(theme);
            check(view, popup, name);
            if (view.close) view.close();
            shots++;
            if (QTest::currentTestFailed()) return;
        }
        QCOMPARE(shots, 26);
        for (const QString& p : m_problems) qWarning("%s", qPrintable(p));  // all of them (QVERIFY2 truncates)
        QVERIFY2(m_problems.isEmpty(), qPrintable(QStringLiteral("%1 problem(s), listed above").arg(m_problems.size())));
    }

    // The Models page with R1's plan at the size the desktop most often has.
    void modelsPageAt1200x800_data() {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << QStringLiteral("light");
        QTest::newRow("dark") << QStringLiteral("dark");
    }

    void modelsPageAt1200x800() {
        QFETCH(QString, theme);
        m_root->settings()->setTheme(theme);
        const QSize size(1200, 800);
        m_window->resize(size);
        QVERIFY(QTest::qWaitFor([&] { return m_window->size() == size; }, 3000));
        m_problems.clear();
        for (const View& view : views()) {
            if (!view.name.startsWith(QStringLiteral("models"))) continue;
            QObject* popup = view.open();
            check(view, popup, QStringLiteral("%1-1200x800-%2").arg(view.name, theme));
            if (view.close) view.close();
        }
        for (const QString& p : m_problems) qWarning("%s", qPrintable(p));
        QVERIFY2(m_problems.isEmpty(), qPrintable(QStringLiteral("%1 problem(s), listed above").arg(m_problems.size())));
        setPage("chat");
    }

    void cleanupTestCase() {
        m_engine.reset();
        m_root.reset();
    }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
