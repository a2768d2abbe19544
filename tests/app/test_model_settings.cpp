// Per-model settings: DeepSeek's recommended defaults for R1, values kept per model path and
// clamped to valid ranges, and the QML-facing editor that saves each change.
#include "model_test_fixtures.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_settings.h"
#include "models/model_settings_editor.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

class TestModelSettings : public QObject {
    Q_OBJECT

private slots:
    void r1Defaults() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("s.ini"), QSettings::IniFormat);
        ModelSettingsStore store(&settings, 6);
        const ModelSettings s = store.settings("/models/a.gguf");
        QCOMPARE(s.temperature, 0.6);
        QCOMPARE(s.topP, 0.95);
        QCOMPARE(s.topK, 0);
        QCOMPARE(s.minP, 0.0);
        QCOMPARE(s.systemPrompt, QString());  // R1: no system prompt
        QCOMPARE(s.threads, 6);                // physical cores, as given
        QCOMPARE(s.contextLength, 8192);
        QCOMPARE(s.device, QStringLiteral("auto"));  // the best discrete GPU that holds it, else the CPU
        QCOMPARE(s.gpuLayers, -1);                   // with a GPU chosen: as many layers as fit
        QCOMPARE(s.effectiveContext(2048), 2048);
        QCOMPARE(s.effectiveContext(131072), 8192);
        QCOMPARE(s.effectiveContext(0), 8192);
        const ponder::SamplerParams p = s.samplerParams();
        QCOMPARE(p.temperature, 0.6f);
        QCOMPARE(p.top_p, 0.95f);
    }

    // The thread count the settings show is the one the engine gets: a tiny model (the demo)
    // defaults to one thread, as the engine itself would pick, others to the physical cores.
    void threadDefaultFollowsTheModelsSize() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("s.ini"), QSettings::IniFormat);
        ModelSettingsStore store(&settings, 6);
        const QString tiny = dir.filePath("tiny.gguf");
        QVERIFY(ponder::test::writeTinyModel(tiny, {}));
        QCOMPARE(store.defaultThreadsFor(tiny), 1);
        QCOMPARE(store.settings(tiny).threads, 1);
        QCOMPARE(store.defaultThreadsFor(dir.filePath("absent.gguf")), 6);
        ModelSettings s = store.settings(tiny);
        s.threads = 3;
        store.setSettings(tiny, s);
        QCOMPARE(store.settings(tiny).threads, 3);
        QVERIFY(!(store.settings(tiny) == store.defaults(tiny)));
        store.reset(tiny);
        QCOMPARE(store.settings(tiny), store.defaults(tiny));
    }

    void keptPerModelAndClamped() {
        QTemporaryDir dir;
        const QString file = dir.filePath("s.ini");
        {
            QSettings settings(file, QSettings::IniFormat);
            ModelSettingsStore store(&settings, 4);
            QSignalSpy changed(&store, &ModelSettingsStore::settingsChanged);
            ModelSettings s = store.settings("/m/a.gguf");
            s.temperature = 5;         // clamped to 2
            s.topP = -1;               // clamped to 0
            s.contextLength = 10;      // at least 256
            s.systemPrompt = "Be brief.";
            s.threads = 100000;        // at most what the machine has
            s.device = "vulkan#1";
            s.gpuLayers = 20;
            s.thinkBudget = 2048;
            s.loopStop = true;
            store.setSettings("/m/a.gguf", s);
            QCOMPARE(changed.count(), 1);
            QCOMPARE(changed[0][0].toString(), QStringLiteral("/m/a.gguf"));
            s.device = "tpu#0";        // not a device Ponder knows: Automatic
            store.setSettings("/m/c.gguf", s);
            s.thinkBudget = -40;       // below "no budget": no budget
            s.gpuLayers = -7;          // below "as many as fit": as many as fit
            store.setSettings("/m/d.gguf", s);
            s.gpuLayers = 5000;        // at most 999
            store.setSettings("/m/e.gguf", s);
        }
        QSettings settings(file, QSettings::IniFormat);
        ModelSettingsStore store(&settings, 4);
        const ModelSettings a = store.settings("/m/a.gguf");
        QCOMPARE(a.temperature, 2.0);
        QCOMPARE(a.topP, 0.0);
        QCOMPARE(a.contextLength, ModelSettings::kMinContext);
        QCOMPARE(a.systemPrompt, QStringLiteral("Be brief."));
        QVERIFY(a.threads >= 1 && a.threads <= store.maxThreads());
        QCOMPARE(a.device, QStringLiteral("vulkan#1"));
        QCOMPARE(a.gpuLayers, 20);
        QCOMPARE(store.settings("/m/d.gguf").gpuLayers, -1);
        QCOMPARE(store.settings("/m/e.gguf").gpuLayers, ModelSettings::kMaxGpuLayers);
        QCOMPARE(store.settings("/m/c.gguf").device, QStringLiteral("auto"));
        QCOMPARE(a.thinkBudget, 2048);
        QVERIFY(a.loopStop);
        QCOMPARE(a.thinkingOptions().budget, 2048);
        QCOMPARE(a.thinkingOptions().loop, ponder::LoopPolicy::Stop);
        QCOMPARE(store.settings("/m/d.gguf").thinkBudget, -1);
        QCOMPARE(store.defaults().thinkBudget, -1);  // R1 thinks as long as it likes unless asked
        QCOMPARE(store.defaults().thinkingOptions().loop, ponder::LoopPolicy::Warn);
        QCOMPARE(store.settings("/m/b.gguf"), store.defaults());  // another model is untouched
        store.reset("/m/a.gguf");
        QCOMPARE(store.settings("/m/a.gguf"), store.defaults());
    }

    void editorForQml() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("s.ini"), QSettings::IniFormat);
        SettingsLibraryStore libraryStore(&settings);
        ModelSettingsStore store(&settings, 2);
        ModelLibrary library(&libraryStore, &store);
        const QString path = dir.filePath("tiny.gguf");
        QVERIFY(ponder::test::writeTinyModel(path, {}));
        library.addFile(path, ModelSource::Added);
        QVERIFY(QTest::qWaitFor([&] { return !library.busy(); }, 5000));

        ModelSettingsEditor editor;
        QSignalSpy values(&editor, &ModelSettingsEditor::valuesChanged);
        editor.setLibrary(&library);
        editor.setModelPath(path);
        QVERIFY(editor.isDefault());
        QCOMPARE(editor.maxContextLength(), 2048);  // the model's trained context
        QCOMPARE(editor.contextLength(), 2048);
        values.clear();
        editor.setTemperature(0.7);
        QCOMPARE(values.count(), 1);
        QCOMPARE(store.settings(path).temperature, 0.7);  // saved at once
        editor.setContextLength(100000);                  // capped by the model
        QCOMPARE(editor.contextLength(), 2048);
        editor.setTopK(-3);
        QCOMPARE(editor.topK(), 0);
        QVERIFY(!editor.isDefault());
        // The devices to choose from: Ponder's choice, the CPU, then every usable Vulkan device
        // (lavapipe in CI).
        const QVariantList choices = ModelSettingsEditor::deviceChoices();
        QVERIFY(choices.size() >= 2);
        QCOMPARE(choices[0].toMap()["value"].toString(), QStringLiteral("auto"));
        QCOMPARE(choices[1].toMap()["value"].toString(), QStringLiteral("cpu"));
        for (const QVariant& c : choices.mid(2)) {
            QVERIFY(c.toMap()["value"].toString().startsWith("vulkan#"));
            QVERIFY(c.toMap()["text"].toString().startsWith("GPU "));
        }
        if (qEnvironmentVariableIsSet("CI")) QVERIFY2(choices.size() >= 3, "CI has lavapipe: a Vulkan device to choose");
        editor.setDevice("vulkan#0");
        QCOMPARE(store.settings(path).device, QStringLiteral("vulkan#0"));
        editor.resetToDefaults();
        QVERIFY(editor.isDefault());
        QCOMPARE(editor.temperature(), 0.6);
        QCOMPARE(editor.device(), QStringLiteral("auto"));
    }
};

QTEST_GUILESS_MAIN(TestModelSettings)
#include "test_model_settings.moc"
