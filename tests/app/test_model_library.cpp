// The model library and its list model: adding, scanning, discovering and removing models while
// QAbstractItemModelTester checks every change; metadata read off the GUI thread; bad files
// listed with a clear error while the rest keeps working; memory figures; persistence.
#include "core/app_paths.h"
#include "model_test_fixtures.h"
#include "models/database_library_store.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_list_model.h"
#include "models/model_settings.h"

#include "ponder/model_registry.h"
#include "ponder/storage.h"

#include <QAbstractItemModelTester>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include "../ci_skip.h"

using namespace ponder::app;
using Role = ModelListModel::Role;

namespace {

// One library with its own settings file, tester attached from the start.
struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    SettingsLibraryStore store{&settings};
    ModelSettingsStore modelSettings{&settings, 4};
    ModelLibrary library{&store, &modelSettings};
    QAbstractItemModelTester tester{library.models(), QAbstractItemModelTester::FailureReportingMode::QtTest};

    QVariant role(const QString& path, Role r) const {
        const int row = library.models()->indexOf(path);
        return row < 0 ? QVariant() : library.models()->data(library.models()->index(row), r);
    }
    QString tinyModel(const QString& name, const ponder::test::TinyModelSpec& spec = {}) {
        const QString path = dir.filePath(name);
        if (!ponder::test::writeTinyModel(path, spec)) return {};
        return path;
    }
};

bool waitIdle(const ModelLibrary& library) { return QTest::qWaitFor([&] { return !library.busy(); }, 10000); }

} // namespace

class TestModelLibrary : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { qunsetenv("PONDER_MEM_AVAILABLE"); }

    void addFileReadsMetadataOffTheGuiThread() {
        Fixture f;
        const QString path = f.tinyModel("tiny.gguf");
        QSignalSpy changed(f.library.models(), &QAbstractItemModel::dataChanged);
        QVERIFY(f.library.addFile(path, ModelSource::Added));
        QCOMPARE(f.library.models()->rowCount(), 1);
        QCOMPARE(f.role(path, ModelListModel::ReadingRole).toBool(), true);  // listed at once, header pending
        QVERIFY(waitIdle(f.library));
        QVERIFY(changed.count() >= 1);
        QCOMPARE(f.role(path, ModelListModel::ReadingRole).toBool(), false);
        QCOMPARE(f.role(path, ModelListModel::NameRole).toString(), QStringLiteral("tiny.gguf"));
        QCOMPARE(f.role(path, ModelListModel::ArchitectureRole).toString(), QStringLiteral("qwen2"));
        QCOMPARE(f.role(path, ModelListModel::QuantizationRole).toString(), QStringLiteral("F32"));
        QCOMPARE(f.role(path, ModelListModel::ContextLengthRole).toLongLong(), 2048);
        QCOMPARE(f.role(path, ModelListModel::ChosenContextRole).toInt(), 2048);  // 8192 capped by training
        QCOMPARE(f.role(path, ModelListModel::FileSizeRole).toLongLong(), QFileInfo(path).size());
        QCOMPARE(f.role(path, ModelListModel::SourceRole).toString(), QStringLiteral("added"));
        QCOMPARE(f.role(path, ModelListModel::ErrorRole).toString(), QString());
        QCOMPARE(f.role(path, ModelListModel::RemovableRole).toBool(), true);
        QVERIFY(!f.role(path, ModelListModel::ParameterCountRole).toString().isEmpty());
        // weights (the file) + KV at 2048 tokens: 256 bytes per token for this configuration
        QCOMPARE(f.role(path, ModelListModel::MemoryNeededRole).toLongLong(), QFileInfo(path).size() + 2048 * 256);

        // The same file again (also through a symlink) is not listed twice.
        QVERIFY(QFile::link(path, f.dir.filePath("link.gguf")));
        QVERIFY(f.library.addFile(f.dir.filePath("link.gguf"), ModelSource::Added));
        QVERIFY(f.library.addFile(path, ModelSource::Added));
        QCOMPARE(f.library.models()->rowCount(), 1);
    }

    void badFilesAreListedWithAClearErrorAndTheRestWorks() {
        Fixture f;
        const QString good = f.tinyModel("good.gguf");
        const QString truncated = f.tinyModel("truncated.gguf");
        QVERIFY(ponder::test::truncateFile(truncated, QFileInfo(truncated).size() / 3));
        const QString text = f.dir.filePath("notes.gguf");
        QVERIFY(ponder::test::writeBytes(text, "just text"));
        const QString weird = f.dir.filePath("weird.gguf");
        QVERIFY(ponder::test::writeUnknownTypeModel(weird, 99));
        f.library.addUrls({QUrl::fromLocalFile(truncated), QUrl::fromLocalFile(text), QUrl::fromLocalFile(weird),
                           QUrl::fromLocalFile(good), QUrl::fromLocalFile(f.dir.filePath("readme.txt"))});
        QVERIFY2(f.library.message().contains("Skipped readme.txt: not a local .gguf file"), qPrintable(f.library.message()));
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 4);
        QVERIFY(f.role(truncated, ModelListModel::ErrorRole).toString().contains("truncated"));
        QVERIFY(f.role(text, ModelListModel::ErrorRole).toString().contains("Not a GGUF model file"));
        QVERIFY(f.role(weird, ModelListModel::ErrorRole).toString().contains("does not know"));
        QCOMPARE(f.role(good, ModelListModel::ErrorRole).toString(), QString());
        QCOMPARE(f.role(good, ModelListModel::ArchitectureRole).toString(), QStringLiteral("qwen2"));
    }

    void scanFolderAndDiscovery() {
        Fixture f;
        const QString folder = f.dir.filePath("Models");
        QDir().mkpath(folder + "/sub");
        QVERIFY(ponder::test::writeTinyModel(folder + "/a.gguf", {}));
        QVERIFY(ponder::test::writeTinyModel(folder + "/sub/b.gguf", {}));
        f.library.scanFolderUrl(QUrl::fromLocalFile(folder));
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 2);
        QVERIFY(f.library.message().contains("Found 2 new model(s)"));
        f.library.scanFolderUrl(QUrl::fromLocalFile(folder));  // again: nothing new
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 2);

        // An LM Studio tree: discovered models are listed but not removable, and not stored.
        DiscoveryRoots roots;
        roots.ollama = f.dir.filePath("none");
        roots.huggingFace = f.dir.filePath("none");
        roots.lmStudio = {f.dir.filePath("lm")};
        const QString lmModel = f.dir.filePath("lm/pub/repo/c.gguf");
        QDir().mkpath(QFileInfo(lmModel).path());
        QVERIFY(ponder::test::writeTinyModel(lmModel, {}));
        f.library.discover(roots);
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 3);
        QCOMPARE(f.role(lmModel, ModelListModel::SourceRole).toString(), QStringLiteral("LM Studio"));
        QCOMPARE(f.role(lmModel, ModelListModel::NameRole).toString(), QStringLiteral("pub/repo · c.gguf"));
        QCOMPARE(f.role(lmModel, ModelListModel::RemovableRole).toBool(), false);
        f.library.remove(lmModel);
        QCOMPARE(f.library.models()->rowCount(), 3);

        // Asked again (the button): nothing new is said as such, and nothing at all is said too.
        f.library.discover(roots);
        QVERIFY(waitIdle(f.library));
        QVERIFY2(f.library.message().startsWith(QStringLiteral("No new models")), qPrintable(f.library.message()));
        DiscoveryRoots empty;
        empty.ollama = empty.huggingFace = f.dir.filePath("none");
        empty.lmStudio = {f.dir.filePath("none-either")};
        f.library.discover(empty);
        QVERIFY(waitIdle(f.library));
        QVERIFY2(f.library.message().contains(QStringLiteral("No GGUF models found")) &&
                     f.library.message().contains(QStringLiteral("none-either")),
                 qPrintable(f.library.message()));
        for (const LibraryEntry& e : f.store.entries()) QVERIFY(e.path != lmModel);

        f.library.remove(folder + "/a.gguf");
        QCOMPARE(f.library.models()->rowCount(), 2);
        QVERIFY(QFileInfo::exists(folder + "/a.gguf"));  // removing from the list never deletes
    }

    void restoredFromTheStoreWithCachedMetadata_data() {
        QTest::addColumn<bool>("database");
        QTest::newRow("QSettings") << false;
        QTest::newRow("ponder.db models table") << true;
    }

    void restoredFromTheStoreWithCachedMetadata() {
        QFETCH(bool, database);
        QTemporaryDir dir;
        QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
        std::string error;
        std::unique_ptr<ponder::Database> db;
        std::unique_ptr<ponder::ModelRegistry> registry;
        std::unique_ptr<LibraryStore> store;
        if (database) {
            db = ponder::Database::open(dir.filePath("ponder.db").toStdString(), error);
            QVERIFY2(db, error.c_str());
            registry = std::make_unique<ponder::ModelRegistry>(*db);
            store = std::make_unique<DatabaseLibraryStore>(registry.get());
        } else {
            store = std::make_unique<SettingsLibraryStore>(&settings);
        }
        ModelSettingsStore modelSettings(&settings, 2);
        const QString path = dir.filePath("kept.gguf");
        QVERIFY(ponder::test::writeTinyModel(path, {}));
        {
            ModelLibrary library(store.get(), &modelSettings);
            library.addFile(path, ModelSource::Downloaded, {}, QString(64, 'a'));
            QVERIFY(waitIdle(library));
            library.setLoadedPath(path);
        }
        QCOMPARE(store->entries().size(), 1);
        QVERIFY(store->entries()[0].lastUsed.isValid());
        ModelLibrary again(store.get(), &modelSettings);
        QAbstractItemModelTester tester(again.models(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        again.restore();
        QVERIFY(!again.busy());  // size and mtime unchanged: the cached header summary is used
        const ModelInfo* info = again.find(path);
        QVERIFY(info);
        QVERIFY(info->metadataRead);
        QCOMPARE(info->source, ModelSource::Downloaded);
        QCOMPARE(info->sha256, QString(64, 'a'));
        QCOMPARE(info->metadata.architecture, QStringLiteral("qwen2"));

        // A changed file is read again.
        ModelLibrary third(store.get(), &modelSettings);
        ponder::test::TinyModelSpec bigger;
        bigger.paddingBytes = 4096;
        QVERIFY(ponder::test::writeTinyModel(path, bigger));
        third.restore();
        QVERIFY(third.busy());
        QVERIFY(waitIdle(third));
        QCOMPARE(third.find(path)->metadata.fileSize, QFileInfo(path).size());

        third.remove(path);
        QVERIFY(store->entries().isEmpty());
    }

    void memoryFiguresAndFit() {
        Fixture f;
        const QString path = f.tinyModel("tiny.gguf");
        f.library.addFile(path, ModelSource::Added);
        QVERIFY(waitIdle(f.library));
        const qint64 needed = f.role(path, ModelListModel::MemoryNeededRole).toLongLong();

        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(needed * 10));
        f.library.refreshMemory();
        QCOMPARE(f.role(path, ModelListModel::MemoryAvailableRole).toLongLong(), needed * 10);
        QCOMPARE(f.role(path, ModelListModel::FitsRole).toBool(), true);
        QCOMPARE(f.role(path, ModelListModel::MemoryFitRole).toInt(), int(ModelListModel::Fits));

        QSignalSpy changed(f.library.models(), &QAbstractItemModel::dataChanged);
        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(needed / 2));
        f.library.refreshMemory();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(f.role(path, ModelListModel::FitsRole).toBool(), false);
        QCOMPARE(f.role(path, ModelListModel::MemoryFitRole).toInt(), int(ModelListModel::TooBig));

        // A shorter context needs less: the row follows the setting.
        qputenv("PONDER_MEM_AVAILABLE", QByteArray::number(needed * 10));
        f.library.refreshMemory();
        changed.clear();
        ModelSettings s = f.modelSettings.settings(path);
        s.contextLength = 512;
        f.modelSettings.setSettings(path, s);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(f.role(path, ModelListModel::ChosenContextRole).toInt(), 512);
        QCOMPARE(f.role(path, ModelListModel::MemoryNeededRole).toLongLong(), QFileInfo(path).size() + 512 * 256);
    }

    void loadedMarkerMovesBetweenRows() {
        Fixture f;
        const QString a = f.tinyModel("a.gguf"), b = f.tinyModel("b.gguf");
        f.library.addFile(a, ModelSource::Added);
        f.library.addFile(b, ModelSource::Added);
        QVERIFY(waitIdle(f.library));
        f.library.setLoadedPath(a);
        QCOMPARE(f.role(a, ModelListModel::IsLoadedRole).toBool(), true);
        f.library.setLoadedPath(b);
        QCOMPARE(f.role(a, ModelListModel::IsLoadedRole).toBool(), false);
        QCOMPARE(f.role(b, ModelListModel::IsLoadedRole).toBool(), true);
        f.library.setLoadError(b, "boom");
        QCOMPARE(f.role(b, ModelListModel::ErrorRole).toString(), QStringLiteral("boom"));
        f.library.setLoadedPath({});
        QCOMPARE(f.role(b, ModelListModel::IsLoadedRole).toBool(), false);
    }

    void preferredModelIsTheLastUsedElseTheBundledOne() {
        Fixture f;
        const QString bundled = f.tinyModel("demo.gguf"), a = f.tinyModel("a.gguf"), b = f.tinyModel("b.gguf");
        QCOMPARE(f.library.preferredModelPath(), QString());
        f.library.addBundled(bundled);
        f.library.addFile(a, ModelSource::Added);
        f.library.addFile(b, ModelSource::Added);
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.preferredModelPath(), bundled);  // first run
        f.library.setLoadedPath(b);
        QTest::qWait(5);
        f.library.setLoadedPath(a);
        QCOMPARE(f.library.preferredModelPath(), a);
        f.library.setLoadError(a, "broken");
        QCOMPARE(f.library.preferredModelPath(), b);
    }

    // A split set is one model: added through any of its files, listed once at its first with
    // the name without the suffix, sized as all files together, "3 files"; scanning the folder
    // finds nothing new; removing it removes the one entry and keeps every file.
    void splitSetIsOneModel() {
        Fixture f;
        const QString whole = f.tinyModel("whole.gguf");
        const QString folder = f.dir.filePath("Models");
        QDir().mkpath(folder);
        const QString first = folder + "/tiny-00001-of-00003.gguf";
        QString error;
        QVERIFY2(ponder::test::splitModel(whole, first, 3, &error), qPrintable(error));
        qint64 sum = 0;
        for (int k = 1; k <= 3; k++) sum += QFileInfo(folder + QStringLiteral("/tiny-0000%1-of-00003.gguf").arg(k)).size();

        f.library.addUrls({QUrl::fromLocalFile(folder + "/tiny-00002-of-00003.gguf")});
        QCOMPARE(f.library.models()->rowCount(), 1);
        QCOMPARE(f.library.models()->models()[0].path, first);
        QCOMPARE(f.role(first, Role::FileCountRole).toInt(), 3);  // known from the name before the header is read
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.role(first, Role::NameRole).toString(), QStringLiteral("tiny"));
        QCOMPARE(f.role(first, Role::ErrorRole).toString(), QString());
        QCOMPARE(f.role(first, Role::FileSizeRole).toLongLong(), sum);
        QCOMPARE(f.role(first, Role::FileCountRole).toInt(), 3);
        QCOMPARE(f.role(first, Role::CanLoadRole).toBool(), true);
        QCOMPARE(f.role(first, Role::ArchitectureRole).toString(), QStringLiteral("qwen2"));

        f.library.addUrls({QUrl::fromLocalFile(folder + "/tiny-00003-of-00003.gguf"), QUrl::fromLocalFile(first)});
        f.library.scanFolderUrl(QUrl::fromLocalFile(folder));
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 1);
        QCOMPARE(f.store.entries().size(), 1);
        QCOMPARE(f.store.entries()[0].path, first);
        QCOMPARE(f.store.entries()[0].size, sum);

        f.library.remove(first);
        QCOMPARE(f.library.models()->rowCount(), 0);
        QVERIFY(f.store.entries().isEmpty());
        for (int k = 1; k <= 3; k++) QVERIFY(QFileInfo::exists(folder + QStringLiteral("/tiny-0000%1-of-00003.gguf").arg(k)));
    }

    // A set with a file missing is listed, once, with the problem named; it cannot be loaded.
    // Its file turning up again makes it usable at the next read.
    void splitSetWithAMissingFileSaysWhich() {
        Fixture f;
        const QString whole = f.tinyModel("whole.gguf");
        const QString folder = f.dir.filePath("Models");
        QDir().mkpath(folder);
        const QString first = folder + "/DeepSeek-R1-Q4_K_M-00001-of-00003.gguf";
        QVERIFY(ponder::test::splitModel(whole, first, 3));
        const QString second = folder + "/DeepSeek-R1-Q4_K_M-00002-of-00003.gguf";
        QVERIFY(QFile::rename(second, f.dir.filePath("aside.gguf")));
        f.library.scanFolderUrl(QUrl::fromLocalFile(folder));
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 1);
        QCOMPARE(f.role(first, Role::NameRole).toString(), QStringLiteral("DeepSeek-R1-Q4_K_M"));
        const QString problem = f.role(first, Role::ErrorRole).toString();
        QVERIFY2(problem.startsWith("Missing DeepSeek-R1-Q4_K_M-00002-of-00003.gguf"), qPrintable(problem));
        QCOMPARE(f.role(first, Role::CanLoadRole).toBool(), false);
        QCOMPARE(f.role(first, Role::FileCountRole).toInt(), 3);
        QCOMPARE(f.role(first, Role::ShowPlanRole).toBool(), false);

        // Restored later with the file back: size changed, so read again, and fine.
        QVERIFY(QFile::rename(f.dir.filePath("aside.gguf"), second));
        ModelLibrary again(&f.store, &f.modelSettings);
        again.restore();
        QVERIFY(waitIdle(again));
        QCOMPARE(again.models()->rowCount(), 1);
        QVERIFY2(again.find(first)->metadata.ok(), qPrintable(again.find(first)->metadata.error));
    }

    // An older version stored a later file of a set on its own: restored, it becomes the set.
    void storedLaterFileOfASetBecomesTheSet() {
        Fixture f;
        const QString whole = f.tinyModel("whole.gguf");
        const QString first = f.dir.filePath("tiny-00001-of-00002.gguf");
        QVERIFY(ponder::test::splitModel(whole, first, 2));
        LibraryEntry old;
        old.path = f.dir.filePath("tiny-00002-of-00002.gguf");
        old.source = QStringLiteral("added");
        f.store.upsert(old);
        f.library.restore();
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.library.models()->rowCount(), 1);
        QVERIFY(f.library.find(first));
        QCOMPARE(f.store.entries().size(), 1);
        QCOMPARE(f.store.entries()[0].path, first);
    }

    // The plan is offered for full R1 (deepseek2) and for whatever is too big for this machine.
    void planIsShownForDeepseek2AndForModelsTooBig() {
        Fixture f;
        const QString ds = f.dir.filePath("ds.gguf");
        QString error;
        QVERIFY2(ponder::test::writeTinyDeepseek2(ds, &error), qPrintable(error));
        const QString qwen = f.tinyModel("qwen.gguf");
        f.library.addFile(ds, ModelSource::Added);
        f.library.addFile(qwen, ModelSource::Added);
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.role(ds, Role::ArchitectureRole).toString(), QStringLiteral("deepseek2"));
        QCOMPARE(f.role(ds, Role::ShowPlanRole).toBool(), true);
        QCOMPARE(f.role(qwen, Role::ShowPlanRole).toBool(), false);
        qputenv("PONDER_MEM_AVAILABLE", "4096");
        f.library.refreshMemory();
        QCOMPARE(f.role(qwen, Role::ShowPlanRole).toBool(), true);
    }

    // First run: the bundled demo model is in the list, ready, not removable.
    void bundledDemoModelIsListed() {
        const QString demo = AppPaths::demoModelPath();
        if (!QFileInfo::exists(demo)) PONDER_QSKIP("resources/models/ponder-demo.gguf is not in this checkout yet");
        Fixture f;
        f.library.addBundled(demo);
        QVERIFY(waitIdle(f.library));
        QCOMPARE(f.role(demo, ModelListModel::SourceRole).toString(), QStringLiteral("bundled"));
        QCOMPARE(f.role(demo, ModelListModel::ErrorRole).toString(), QString());
        QCOMPARE(f.role(demo, ModelListModel::RemovableRole).toBool(), false);
        QCOMPARE(f.role(demo, ModelListModel::ArchitectureRole).toString(), QStringLiteral("qwen2"));
    }
};

QTEST_GUILESS_MAIN(TestModelLibrary)
#include "test_model_library.moc"
