// The model loader: a model loads on a worker and becomes active with its backend; progress is
// reported; a cancelled load never becomes active; bad files (truncated, unsupported type, too
// big for the memory) end in a clear error and the next load works; the GUI thread keeps
// running while a load takes its time.
#include "core/app_paths.h"
#include "model_test_fixtures.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_list_model.h"
#include "models/model_loader.h"
#include "models/model_settings.h"
#include "ponder/devices.h"
#include "ponder/engine.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include "../ci_skip.h"

#include <atomic>

using namespace ponder::app;

namespace {

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    SettingsLibraryStore store{&settings};
    ModelSettingsStore modelSettings{&settings, 2};
    ModelLibrary library{&store, &modelSettings};
    QAbstractItemModelTester tester{library.models(), QAbstractItemModelTester::FailureReportingMode::QtTest};
    ModelLoader loader{&library};

    QString add(const QString& name, const ponder::test::TinyModelSpec& spec = {}) {
        const QString path = dir.filePath(name);
        if (!ponder::test::writeTinyModel(path, spec)) return {};
        library.addFile(path, ModelSource::Added);
        return QTest::qWaitFor([&] { return !library.busy(); }, 10000) ? path : QString();
    }
    QVariant role(const QString& path, ModelListModel::Role r) const {
        const int row = library.models()->indexOf(path);
        return library.models()->data(library.models()->index(row), r);
    }
};

bool usableVulkanDevice() {
    for (const ponder::ComputeDevice& d : ponder::list_devices().devices)
        if (d.backend == "vulkan" && d.unusable.empty()) return true;
    return false;
}

bool waitState(const ModelLoader& loader, ModelLoader::State s) {
    return QTest::qWaitFor([&] { return loader.state() == s; }, 20000);
}

} // namespace

class TestModelLoader : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { qunsetenv("PONDER_MEM_AVAILABLE"); }

    void loadsOnAWorkerAndBecomesActive() {
        Fixture f;
        ponder::test::TinyModelSpec spec;
        spec.paddingBytes = 1 << 20;  // 1 MiB more to read, in 64 KiB chunks
        const QString path = f.add("tiny.gguf", spec);
        QVERIFY(!path.isEmpty());
        f.loader.setReadChunkBytes(64 << 10);
        ModelSettings custom = f.modelSettings.settings(path);
        QCOMPARE(custom.threads, 1);  // a tiny model's default, what the engine would pick itself
        custom.threads = 2;           // the count in the model's settings reaches the engine as is
        f.modelSettings.setSettings(path, custom);
        QSignalSpy ready(&f.loader, &ModelLoader::modelReady);
        QList<double> progress;
        connect(&f.loader, &ModelLoader::progressChanged, this, [&] {
            if (f.loader.progressKnown()) progress << f.loader.progress();
        });
        f.loader.load(path);
        QCOMPARE(f.loader.state(), ModelLoader::Loading);
        QCOMPARE(f.loader.loadingPath(), path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QCOMPARE(ready.count(), 1);
        const auto model = ready[0][0].value<std::shared_ptr<ponder::Model>>();
        QVERIFY(model);
        QCOMPARE(model, f.loader.model());
        QCOMPARE(ready[0][1].toInt(), 2048);  // the 8192 default, capped by the trained context
        QCOMPARE(f.loader.contextLength(), 2048);
        QCOMPARE(f.loader.activePath(), path);
        QCOMPARE(f.loader.activeName(), QStringLiteral("tiny.gguf"));
        QVERIFY2(f.loader.backendText().contains("CPU") && f.loader.backendText().contains("2 threads)"),
                 qPrintable(f.loader.backendText()));  // the model's thread setting reached the engine
        QVERIFY(f.role(path, ModelListModel::IsLoadedRole).toBool());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), 1.0);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));

        // A new context length for the active model: the same model, announced again.
        ModelSettings s = f.modelSettings.settings(path);
        s.contextLength = 1024;
        f.modelSettings.setSettings(path, s);
        QCOMPARE(ready.count(), 2);
        QCOMPARE(ready[1][1].toInt(), 1024);

        QSignalSpy unloaded(&f.loader, &ModelLoader::modelUnloaded);
        f.loader.unload();
        QCOMPARE(unloaded.count(), 1);
        QCOMPARE(f.loader.state(), ModelLoader::None);
        QVERIFY(!f.loader.model());
        QVERIFY(!f.role(path, ModelListModel::IsLoadedRole).toBool());
    }

    // The device in a model's settings is where it runs; a GPU that fails leaves the CPU on offer.
    void runsOnTheDeviceItsSettingsName() {
        if (!usableVulkanDevice()) PONDER_QSKIP("no usable Vulkan device (CI has lavapipe: mesa-vulkan-drivers)");
        Fixture f;
        const QString path = f.add("tiny.gguf");
        QVERIFY(!path.isEmpty());
        ModelSettings s = f.modelSettings.settings(path);
        s.device = "vulkan#0";
        f.modelSettings.setSettings(path, s);
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QVERIFY2(f.loader.backendText().startsWith("Vulkan ("), qPrintable(f.loader.backendText()));
        QVERIFY2(f.loader.statusText().contains("Vulkan"), qPrintable(f.loader.statusText()));  // the header
        QVERIFY2(f.loader.deviceChoice().contains("the whole model"), qPrintable(f.loader.deviceChoice()));  // what went there
        f.loader.unload();
        s.device = "vulkan#9";  // a device that is not there
        f.modelSettings.setSettings(path, s);
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Error));
        QVERIFY2(f.loader.errorText().contains("no Vulkan device 9"), qPrintable(f.loader.errorText()));
        QVERIFY(f.loader.failedOnGpu());  // the card offers "Load on the CPU"
        f.loader.loadOnCpu(path);         // ... which is one click
        QVERIFY(!f.loader.failedOnGpu());
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QVERIFY2(f.loader.backendText().startsWith("CPU"), qPrintable(f.loader.backendText()));
        QCOMPARE(f.modelSettings.settings(path).device, QStringLiteral("cpu"));  // and it stays there
        f.loader.unload();
        // A CPU failure offers no CPU retry.
        f.loader.setLoadFunction([](const std::string&, const ponder::ModelOptions&, std::string& e) {
            e = "out of memory";
            return std::shared_ptr<ponder::Model>();
        });
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Error));
        QVERIFY(!f.loader.failedOnGpu());
    }

    // "Automatic" (the default): the best discrete GPU that holds the model, else the CPU, with why.
    // CI's only Vulkan device is lavapipe, a CPU driver, so there the CPU runs it.
    void automaticDeviceSaysWhereAndWhy() {
        Fixture f;
        const QString path = f.add("tiny.gguf");
        QVERIFY(!path.isEmpty());
        QCOMPARE(f.modelSettings.settings(path).device, QStringLiteral("auto"));
        std::string devices;
        f.loader.setLoadFunction([&](const std::string& p, const ponder::ModelOptions& o, std::string& e) {
            devices = o.devices;
            return ponder::model_load(p, o, e);
        });
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        bool discrete = false;
        for (const ponder::ComputeDevice& d : ponder::list_devices().devices)
            discrete = discrete || (d.type == "discrete" && d.unusable.empty());
        if (!discrete) {
            QCOMPARE(devices, std::string("cpu"));
            QCOMPARE(f.loader.deviceChoice(), QStringLiteral("the CPU: no discrete GPU was found"));
        } else {
            QVERIFY2(f.loader.deviceChoice().startsWith("Vulkan #"), qPrintable(f.loader.deviceChoice()));
        }
    }

    // The models page's memory bar: what the model's settings put on the GPU and what stays in RAM
    // (lavapipe in CI, a Vulkan device whose memory is the machine's), and the load follows it.
    void placementFollowsRunsOnAndGpuLayers() {
        if (!usableVulkanDevice()) PONDER_QSKIP("no usable Vulkan device (CI has lavapipe: mesa-vulkan-drivers)");
        Fixture f;
        const QString path = f.add("tiny.gguf");
        QVERIFY(!path.isEmpty());
        ModelSettings s = f.modelSettings.settings(path);
        s.device = "cpu";
        f.modelSettings.setSettings(path, s);
        const qint64 allInRam = f.role(path, ModelListModel::MemoryNeededRole).toLongLong();
        QCOMPARE(f.role(path, ModelListModel::GpuNeededRole).toLongLong(), 0);
        QVERIFY(f.role(path, ModelListModel::GpuNameRole).toString().isEmpty());

        s.device = "vulkan#0";  // as many layers as fit: the whole tiny model
        f.modelSettings.setSettings(path, s);
        const int layers = f.role(path, ModelListModel::LayerCountRole).toInt();
        QVERIFY(layers >= 2);
        QCOMPARE(f.role(path, ModelListModel::GpuLayersRole).toInt(), layers);
        QVERIFY(!f.role(path, ModelListModel::GpuNameRole).toString().isEmpty());
        const qint64 onGpu = f.role(path, ModelListModel::GpuNeededRole).toLongLong();
        QVERIFY(onGpu > 0);
        QCOMPARE(f.role(path, ModelListModel::MemoryNeededRole).toLongLong(), std::max<qint64>(allInRam - onGpu, 0));
        QVERIFY2(f.role(path, ModelListModel::PlacementRole).toString().contains("the whole model"),
                 qPrintable(f.role(path, ModelListModel::PlacementRole).toString()));

        s.gpuLayers = 1;  // one layer on the GPU, the rest in RAM
        f.modelSettings.setSettings(path, s);
        QCOMPARE(f.role(path, ModelListModel::GpuLayersRole).toInt(), 1);
        QVERIFY(f.role(path, ModelListModel::GpuNeededRole).toLongLong() < onGpu);
        QVERIFY(f.role(path, ModelListModel::MemoryNeededRole).toLongLong() > allInRam - onGpu);
        QVERIFY(f.role(path, ModelListModel::GpuFitsRole).toBool());
        QVERIFY2(f.role(path, ModelListModel::PlacementRole).toString().contains(QStringLiteral("1 of %1 layers").arg(layers)),
                 qPrintable(f.role(path, ModelListModel::PlacementRole).toString()));
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QVERIFY2(f.loader.backendText().contains("Vulkan") && f.loader.backendText().contains("CPU"),
                 qPrintable(f.loader.backendText()));
        QVERIFY2(f.loader.deviceChoice().contains(QStringLiteral("1 of %1 layers").arg(layers)), qPrintable(f.loader.deviceChoice()));
    }

    // A model copied into a GPU's memory reports the copy as the load's progress.
    void gpuUploadReportsProgress() {
        if (!usableVulkanDevice()) PONDER_QSKIP("no usable Vulkan device (CI has lavapipe: mesa-vulkan-drivers)");
        Fixture f;
        const QString path = f.add("tiny.gguf");
        ModelSettings s = f.modelSettings.settings(path);
        s.device = "vulkan#0";
        f.modelSettings.setSettings(path, s);
        QList<double> seen;
        connect(&f.loader, &ModelLoader::progressChanged, [&] {
            if (f.loader.progressKnown()) seen.append(f.loader.progress());
        });
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QVERIFY2(seen.size() >= 2, qPrintable(QString::number(seen.size())));
        for (qsizetype i = 1; i < seen.size(); i++) QVERIFY(seen[i] >= seen[i - 1]);  // one pass, never back
        QCOMPARE(seen.last(), 1.0);
    }

    void cancelledLoadNeverBecomesActive() {
        Fixture f;
        const QString path = f.add("tiny.gguf");
        std::atomic<bool> entered{false};
        f.loader.setLoadFunction([&](const std::string& p, const ponder::ModelOptions& o, std::string& e) {
            entered = true;
            QThread::msleep(300);  // a slow disk
            return ponder::model_load(p, o, e);
        });
        QSignalSpy ready(&f.loader, &ModelLoader::modelReady);
        f.loader.load(path);
        QVERIFY(QTest::qWaitFor([&] { return entered.load(); }, 5000));
        f.loader.cancel();
        QCOMPARE(f.loader.state(), ModelLoader::None);
        QTest::qWait(600);  // the worker finishes its model_load meanwhile; the result is dropped
        QCOMPARE(ready.count(), 0);
        QVERIFY(!f.loader.model());
        QCOMPARE(f.loader.activePath(), QString());
        QVERIFY(!f.role(path, ModelListModel::IsLoadedRole).toBool());

        f.loader.load(path);  // and the loader still works
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QCOMPARE(ready.count(), 1);
    }

    void badFilesGiveClearErrorsAndTheLoaderStaysUsable_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated") << "truncated" << "truncated";
        QTest::newRow("unsupported tensor type") << "iq2" << "quantization Ponder cannot run yet";
        QTest::newRow("too big for RAM") << "ram" << "Not enough memory";
        QTest::newRow("split.count without a set's name") << "split" << "split model must be named";
    }

    void badFilesGiveClearErrorsAndTheLoaderStaysUsable() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        Fixture f;
        const QString good = f.add("good.gguf");
        ponder::test::TinyModelSpec spec;
        if (kind == "iq2") {
            spec.nEmbd = spec.nFf = 256;  // IQ2_XXS blocks are 256 wide
            spec.weightType = ponder::TensorType::IQ2_XXS;
        }
        if (kind == "split") spec.splitCount = 2;
        const QString bad = f.dir.filePath("bad.gguf");
        QVERIFY(ponder::test::writeTinyModel(bad, spec));
        if (kind == "truncated") {
            // Cut after the header was read: the load itself meets the damage.
            f.library.addFile(bad, ModelSource::Added);
            QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 5000));
            QVERIFY(ponder::test::truncateFile(bad, QFileInfo(bad).size() - 4096));
        } else {
            f.library.addFile(bad, ModelSource::Added);
            QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 5000));
        }
        if (kind == "ram") qputenv("PONDER_MEM_AVAILABLE", "4096");

        QSignalSpy ready(&f.loader, &ModelLoader::modelReady);
        f.loader.load(bad);
        QVERIFY(waitState(f.loader, ModelLoader::Error));
        QVERIFY2(f.loader.errorText().contains(expected), qPrintable(f.loader.errorText()));
        QVERIFY(f.role(bad, ModelListModel::ErrorRole).toString().contains(expected));  // on the card too
        QCOMPARE(ready.count(), 0);
        QVERIFY(!f.loader.model());

        qunsetenv("PONDER_MEM_AVAILABLE");
        f.loader.load(good);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QCOMPARE(f.loader.activePath(), good);
        QCOMPARE(f.loader.errorText(), QString());
    }

    // A split set loads as one model, and the page cache is warmed over all of its files.
    void splitSetLoadsAsOneModel() {
        Fixture f;
        ponder::test::TinyModelSpec spec;
        spec.paddingBytes = 256 << 10;
        const QString whole = f.dir.filePath("whole.gguf");
        QVERIFY(ponder::test::writeTinyModel(whole, spec));
        const QString first = f.dir.filePath("tiny-00001-of-00003.gguf");
        QVERIFY(ponder::test::splitModel(whole, first, 3));
        f.library.addFile(f.dir.filePath("tiny-00003-of-00003.gguf"), ModelSource::Added);
        QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 10000));
        f.loader.setReadChunkBytes(16 << 10);
        double last = 0;
        connect(&f.loader, &ModelLoader::progressChanged, this, [&] {
            if (f.loader.progressKnown()) last = f.loader.progress();
        });
        f.loader.load(first);
        QVERIFY2(waitState(f.loader, ModelLoader::Ready), qPrintable(f.loader.errorText()));
        QCOMPARE(f.loader.activePath(), first);
        QCOMPARE(f.loader.activeName(), QStringLiteral("tiny"));
        QCOMPARE(last, 1.0);
    }

    // Full R1: the header-only (sparse) file and a deepseek2 model too big for the memory both
    // end in the engine's own words on the page, and nothing crashes.
    void deepseek2ThatCannotRunSaysWhy() {
        Fixture f;
        const QString header = f.dir.filePath("DeepSeek-R1-Q4_K_M.gguf");
        QString error;
        QVERIFY2(ponder::test::writeR1Header(header, &error), qPrintable(error));
        const QString tiny = f.dir.filePath("tiny-ds.gguf");
        QVERIFY2(ponder::test::writeTinyDeepseek2(tiny, &error), qPrintable(error));
        f.library.addFile(header, ModelSource::Added);
        f.library.addFile(tiny, ModelSource::Added);
        QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 10000));
        QCOMPARE(f.role(header, ModelListModel::CanLoadRole).toBool(), true);  // its header is fine

        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(1024LL << 30));  // as if the RAM were there
        f.loader.load(header);
        QVERIFY(waitState(f.loader, ModelLoader::Error));
        QVERIFY2(f.loader.errorText().contains("the weights are missing"), qPrintable(f.loader.errorText()));
        QVERIFY(f.role(header, ModelListModel::ErrorRole).toString().contains("the weights are missing"));

        qputenv("PONDER_MEM_AVAILABLE", "4096");
        f.loader.load(tiny);
        QVERIFY(waitState(f.loader, ModelLoader::Error));
        QVERIFY2(f.loader.errorText().contains("Not enough memory"), qPrintable(f.loader.errorText()));

        qunsetenv("PONDER_MEM_AVAILABLE");
        f.loader.load(tiny);  // and the tiny one runs where it fits
        QVERIFY2(waitState(f.loader, ModelLoader::Ready), qPrintable(f.loader.errorText()));
    }

    // model_load has no progress callback and may take a while on a slow disk: the GUI thread
    // must keep turning meanwhile. A stand-in load blocks its thread for 400 ms; a 10 ms timer
    // on the GUI thread records the longest gap between its ticks.
    void guiThreadKeepsRunningWhileLoading() {
        Fixture f;
        const QString path = f.add("tiny.gguf");
        QThread* loadThread = nullptr;
        f.loader.setLoadFunction([&](const std::string& p, const ponder::ModelOptions& o, std::string& e) {
            loadThread = QThread::currentThread();
            QThread::msleep(400);
            return ponder::model_load(p, o, e);
        });
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, longest = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            longest = std::max(longest, clock.elapsed() - last);
            last = clock.elapsed();
        });
        tick.start();
        f.loader.load(path);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        tick.stop();
        QVERIFY(loadThread && loadThread != QThread::currentThread());
        qInfo("longest GUI-thread gap while loading: %lld ms", longest);
        // 50 ms is the goal; the bound leaves room for a busy CI machine while still failing
        // if the 400 ms load ran on this thread.
        QVERIFY2(longest < 200, qPrintable(QString::number(longest)));
    }

    // First run: the bundled demo model loads, so the first message works offline.
    void bundledDemoModelLoads() {
        const QString demo = AppPaths::demoModelPath();
        if (!QFileInfo::exists(demo)) PONDER_QSKIP("resources/models/ponder-demo.gguf is not in this checkout yet");
        Fixture f;
        f.library.addBundled(demo);
        QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 5000));
        f.loader.load(demo);
        QVERIFY(waitState(f.loader, ModelLoader::Ready));
        QCOMPARE(f.loader.activeName(), QStringLiteral("Ponder demo model"));
        QVERIFY(f.loader.model());
    }
};

QTEST_GUILESS_MAIN(TestModelLoader)
#include "test_model_loader.moc"
