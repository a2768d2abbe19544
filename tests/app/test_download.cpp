// Downloads against a local HTTP server (127.0.0.1 only): complete + SHA-256, the digest from a
// Hugging Face style redirect, pause/resume with Range, a dropped connection retried from where
// it stopped, a server error retried, a server that ignores Range, a checksum mismatch that leaves
// nothing usable, disk-space refusals, 404 and an unreachable host. The list model is under
// QAbstractItemModelTester throughout; the parsed bundled catalogue is checked too.
#include "download_test_server.h"
#include "model_test_fixtures.h"
#include "models/catalogue.h"
#include "models/download_manager.h"
#include "models/library_store.h"
#include "models/model_library.h"
#include "models/model_settings.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;
using ponder::test::DownloadTestServer;
using ponder::test::ServedFile;
using State = DownloadItem::State;

namespace {

QByteArray sha256(const QByteArray& b) { return QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex(); }

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    SettingsLibraryStore store{&settings};
    ModelSettingsStore modelSettings{&settings, 2};
    ModelLibrary library{&store, &modelSettings};
    QNetworkAccessManager network;
    DownloadTestServer server;
    QByteArray body;  // a real (tiny) GGUF, so the library can read what arrives
    std::unique_ptr<DownloadManager> manager;
    std::unique_ptr<QAbstractItemModelTester> tester;
    qint64 freeSpace = 1LL << 40;

    Fixture() {
        network.setProxy(QNetworkProxy::NoProxy);
        server.listen();
        ponder::test::TinyModelSpec spec;
        spec.paddingBytes = 400 << 10;
        const QString tmp = dir.filePath("source.gguf");
        ponder::test::writeTinyModel(tmp, spec);
        QFile f(tmp);
        f.open(QIODevice::ReadOnly);
        body = f.readAll();
    }

    CatalogueEntry entry(const QByteArray& path, const QString& sha = {}, qint64 approx = 0) const {
        CatalogueEntry e;
        e.id = "tiny";
        e.name = "Tiny";
        e.quantization = "F32";
        e.fileName = "tiny.gguf";
        e.url = QUrl(QString::fromLatin1(server.url(path)));
        e.sha256 = sha;
        e.approxSize = approx;
        return e;
    }

    void make(const CatalogueEntry& e) {
        tester.reset();
        manager = std::make_unique<DownloadManager>(&network, &library, dir.filePath("models"), QList<CatalogueEntry>{e});
        manager->setRetryPolicy(3, 20);
        manager->setDiskSpaceFunction([this](const QString&) { return freeSpace; });
        tester = std::make_unique<QAbstractItemModelTester>(manager->model(),
                                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    // The fixture's model as a split set of two files, served at /split/1 and /split/2.
    QList<QByteArray> splitBodies() {
        const QString first = dir.filePath("src/tiny-00001-of-00002.gguf");
        QDir().mkpath(dir.filePath("src"));
        if (!ponder::test::splitModel(dir.filePath("source.gguf"), first, 2)) return {};
        QList<QByteArray> out;
        for (const char* name : {"src/tiny-00001-of-00002.gguf", "src/tiny-00002-of-00002.gguf"}) {
            QFile f(dir.filePath(name));
            f.open(QIODevice::ReadOnly);
            out << f.readAll();
        }
        return out;
    }
    CatalogueEntry splitEntry(const QList<QByteArray>& bodies, const QStringList& shas) const {
        CatalogueEntry e = entry("/split/1");
        e.fileName = "tiny-00001-of-00002.gguf";
        for (int k = 0; k < bodies.size(); k++) {
            CatalogueFile file;
            file.fileName = QStringLiteral("tiny-0000%1-of-00002.gguf").arg(k + 1);
            file.url = QUrl(QString::fromLatin1(server.url("/split/" + QByteArray::number(k + 1))));
            file.approxSize = bodies[k].size();
            file.sha256 = shas.value(k);
            e.splitFiles << file;
            e.approxSize += file.approxSize;
        }
        return e;
    }
    QString modelsFile(const QString& name) const { return dir.filePath("models/" + name); }

    const DownloadItem& item() const { return *manager->model()->item("tiny"); }
    QString finalPath() const { return dir.filePath("models/tiny.gguf"); }
    QString partPath() const { return finalPath() + ".part"; }
    bool waitFor(State s, int ms = 15000) const {
        return QTest::qWaitFor([&] { return item().state == s; }, ms);
    }
};

} // namespace

class TestDownload : public QObject {
    Q_OBJECT

private slots:
    void completesAndVerifiesAgainstTheCatalogue() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        QSignalSpy finished(f.manager.get(), &DownloadManager::downloadFinished);
        f.manager->start("tiny");
        QCOMPARE(f.item().state, State::Downloading);
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(finished.count(), 1);
        QVERIFY(QFileInfo::exists(f.finalPath()));
        QVERIFY(!QFileInfo::exists(f.partPath()));
        QCOMPARE(f.item().verification, QStringLiteral("SHA-256 verified against the catalogue."));
        QCOMPARE(f.item().received, f.body.size());
        QCOMPARE(f.server.requests().size(), 1);
        QCOMPARE(f.server.requests()[0].range, QByteArray());
        // It is in the library as a download with its digest, and usable.
        const ModelInfo* info = f.library.find(f.finalPath());
        QVERIFY(info);
        QCOMPARE(info->source, ModelSource::Downloaded);
        QCOMPARE(info->sha256, QString::fromLatin1(sha256(f.body)));
        QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 5000));
        QVERIFY(f.library.find(f.finalPath())->metadata.ok());
    }

    // Hugging Face: resolve/ answers 302 with X-Linked-Etag (the LFS SHA-256) before the CDN.
    void verifiesAgainstTheDigestTheServerPublished() {
        Fixture f;
        ServedFile cdn;
        cdn.body = f.body;
        f.server.serve("/cdn/blob", cdn);
        ServedFile resolve;
        resolve.redirectTo = f.server.url("/cdn/blob");
        resolve.linkedEtag = sha256(f.body);
        f.server.serve("/resolve/main/tiny.gguf", resolve);
        f.make(f.entry("/resolve/main/tiny.gguf"));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Done));
        QVERIFY(f.item().verification.contains("verified against the digest the server published"));
        QCOMPARE(f.server.requests().size(), 2);
    }

    void saysPlainlyWhenNothingCouldBeVerified() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf"));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Done));
        QVERIFY(f.item().verification.startsWith("Not verified"));
        QVERIFY(f.item().verification.contains(QString::fromLatin1(sha256(f.body))));
        QCOMPARE(f.library.find(f.finalPath())->sha256, QString::fromLatin1(sha256(f.body)));  // recorded
    }

    void pauseKeepsThePartAndResumeSendsRange() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.chunkDelayMs = 10;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        f.manager->start("tiny");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(f.partPath()).size() > (64 << 10); }, 10000));
        f.manager->pause("tiny");
        QCOMPARE(f.item().state, State::Paused);
        QTest::qWait(100);
        const qint64 kept = QFileInfo(f.partPath()).size();
        QVERIFY(kept > 0 && kept < f.body.size());
        QCOMPARE(f.item().received, kept);
        QCOMPARE(f.item().state, State::Paused);

        f.manager->resume("tiny");
        QVERIFY(f.waitFor(State::Done, 30000));
        QCOMPARE(f.server.requests().size(), 2);
        QCOMPARE(f.server.requests()[1].range, "bytes=" + QByteArray::number(kept) + "-");
        QFile out(f.finalPath());
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll(), f.body);
    }

    void droppedConnectionIsRetriedFromWhereItStopped() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.dropAfter = 100000;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(f.server.requests().size(), 2);
        QCOMPARE(f.server.requests()[1].range, QByteArray("bytes=100000-"));
        QCOMPARE(f.item().verification, QStringLiteral("SHA-256 verified against the catalogue."));
    }

    void serverErrorIsRetried() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.failOnceWith = 500;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(f.server.requests().size(), 2);
    }

    // A 200 answer to a Range request is the whole file: the .part starts over.
    void serverIgnoringRangeRestartsFromZero() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.honourRange = false;
        f.server.serve("/tiny.gguf", file);
        QDir().mkpath(f.dir.filePath("models"));
        QVERIFY(ponder::test::writeBytes(f.partPath(), f.body.left(5000)));
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        QCOMPARE(f.item().state, State::Paused);  // a .part from an earlier run
        QCOMPARE(f.item().received, 5000);
        f.manager->resume("tiny");
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(f.server.requests()[0].range, QByteArray("bytes=5000-"));
    }

    // The .part already holds everything: the server answers 416 with the full size.
    void completePartIsVerifiedWithoutDownloading() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        f.server.serve("/tiny.gguf", file);
        QDir().mkpath(f.dir.filePath("models"));
        QVERIFY(ponder::test::writeBytes(f.partPath(), f.body));
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        f.manager->resume("tiny");
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(f.server.requests().size(), 1);
    }

    void checksumMismatchLeavesNothingUsable() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.wrongBody = f.body;
        file.wrongBody[file.wrongBody.size() - 1] = char(file.wrongBody.back() ^ 0x5a);
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf", QString::fromLatin1(sha256(f.body))));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Failed));
        QVERIFY2(f.item().error.contains("Checksum mismatch"), qPrintable(f.item().error));
        QVERIFY(!QFileInfo::exists(f.finalPath()));
        QVERIFY(!QFileInfo::exists(f.partPath()));
        QCOMPARE(f.library.models()->rowCount(), 0);
        QVERIFY(f.manager->model()->data(f.manager->model()->index(0), DownloadListModel::CanStartRole).toBool());
    }

    void refusesToStartWithoutDiskSpace() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        f.server.serve("/tiny.gguf", file);
        f.freeSpace = 1000;
        f.make(f.entry("/tiny.gguf", {}, f.body.size()));  // the catalogue knows the size
        f.manager->start("tiny");
        QCOMPARE(f.item().state, State::Failed);
        QVERIFY2(f.item().error.contains("Not enough disk space"), qPrintable(f.item().error));
        QCOMPARE(f.server.requests().size(), 0);  // nothing was requested
    }

    // The catalogue does not know the size: the check happens when the server says it.
    void stopsWhenTheServerSizeDoesNotFit() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        f.server.serve("/tiny.gguf", file);
        f.freeSpace = DownloadManager::kDiskHeadroom + 1000;
        f.make(f.entry("/tiny.gguf"));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Failed));
        QVERIFY(f.item().error.contains("Not enough disk space"));
        QVERIFY(!QFileInfo::exists(f.finalPath()));
        QTest::qWait(50);
        QCOMPARE(f.item().state, State::Failed);  // the abort that followed did not turn it into "paused"
    }

    void notFoundIsNotRetried() {
        Fixture f;
        f.make(f.entry("/missing.gguf"));
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Failed));
        QVERIFY2(f.item().error.contains("HTTP 404"), qPrintable(f.item().error));
        QCOMPARE(f.server.requests().size(), 1);
    }

    void unreachableHostGivesUpWithAClearError() {
        Fixture f;
        QTcpServer probe;  // a port nobody listens on any more
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        CatalogueEntry e = f.entry("/x");
        e.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x.gguf").arg(port));
        f.make(e);
        f.manager->setRetryPolicy(2, 10);
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Failed));
        QVERIFY2(f.item().error.contains("Network error") && f.item().error.contains("Gave up after 2 attempt(s)"),
                 qPrintable(f.item().error));
    }

    void cancelDeletesThePart() {
        Fixture f;
        ServedFile file;
        file.body = f.body;
        file.chunkDelayMs = 10;
        f.server.serve("/tiny.gguf", file);
        f.make(f.entry("/tiny.gguf"));
        f.manager->start("tiny");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(f.partPath()).size() > 0; }, 10000));
        f.manager->cancel("tiny");
        QCOMPARE(f.item().state, State::NotDownloaded);
        QTest::qWait(50);
        QVERIFY(!QFileInfo::exists(f.partPath()));
        QCOMPARE(f.item().state, State::NotDownloaded);
    }

    void finishedFilesAreKnownAtStart() {
        Fixture f;
        QDir().mkpath(f.dir.filePath("models"));
        QVERIFY(ponder::test::writeBytes(f.finalPath(), f.body));
        f.make(f.entry("/tiny.gguf"));
        QCOMPARE(f.item().state, State::Done);
    }

    // A split set downloads every file, each verified (the first against the catalogue, the
    // second against the server's digest), and only then is the set in the library: one model at
    // its first file, named without the suffix.
    void splitSetDownloadsEveryFile() {
        Fixture f;
        const QList<QByteArray> bodies = f.splitBodies();
        QCOMPARE(bodies.size(), 2);
        ServedFile one;
        one.body = bodies[0];
        f.server.serve("/split/1", one);
        ServedFile cdn;
        cdn.body = bodies[1];
        f.server.serve("/cdn/2", cdn);
        ServedFile resolve;
        resolve.redirectTo = f.server.url("/cdn/2");
        resolve.linkedEtag = sha256(bodies[1]);
        f.server.serve("/split/2", resolve);
        f.make(f.splitEntry(bodies, {QString::fromLatin1(sha256(bodies[0]))}));
        const QModelIndex row = f.manager->model()->index(0);
        QCOMPARE(f.manager->model()->data(row, DownloadListModel::FileCountRole).toInt(), 2);
        QSignalSpy finished(f.manager.get(), &DownloadManager::downloadFinished);
        f.manager->start("tiny");
        QVERIFY(f.waitFor(State::Done));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished[0][1].toString(), f.modelsFile("tiny-00001-of-00002.gguf"));
        QCOMPARE(f.item().received, qint64(bodies[0].size() + bodies[1].size()));
        QCOMPARE(f.item().verification,
                 QStringLiteral("SHA-256 of each of the 2 files verified against the catalogue or the digest the server published for it."));
        for (const char* name : {"tiny-00001-of-00002.gguf", "tiny-00002-of-00002.gguf"}) {
            QVERIFY(QFileInfo::exists(f.modelsFile(name)));
            QVERIFY(!QFileInfo::exists(f.modelsFile(name) + ".part"));
        }
        QCOMPARE(f.library.models()->rowCount(), 1);
        const ModelInfo* info = f.library.find(f.modelsFile("tiny-00001-of-00002.gguf"));
        QVERIFY(info);
        QCOMPARE(info->name, QStringLiteral("tiny"));
        QCOMPARE(info->source, ModelSource::Downloaded);
        QVERIFY(QTest::qWaitFor([&] { return !f.library.busy(); }, 5000));
        QVERIFY2(f.library.find(info->path)->metadata.ok(), qPrintable(f.library.find(info->path)->metadata.error));
        QCOMPARE(f.library.find(info->path)->metadata.splitCount, 2);

        // Known at the next start: all files there, done.
        f.make(f.splitEntry(bodies, {}));
        QCOMPARE(f.item().state, State::Done);
    }

    // Pausing in the second file keeps the first (verified, renamed) and the .part; a restart
    // finds both and resumes the set where it stopped; the library leaves the half-downloaded set
    // out; Cancel deletes everything the set's download wrote.
    void splitSetPausesResumesAndCancels() {
        Fixture f;
        const QList<QByteArray> bodies = f.splitBodies();
        for (int k = 0; k < 2; k++) {
            ServedFile file;
            file.body = bodies[k];
            file.chunkDelayMs = k == 1 ? 20 : 0;
            f.server.serve("/split/" + QByteArray::number(k + 1), file);
        }
        f.make(f.splitEntry(bodies, {QString::fromLatin1(sha256(bodies[0])), QString::fromLatin1(sha256(bodies[1]))}));
        f.manager->start("tiny");
        const QString part2 = f.modelsFile("tiny-00002-of-00002.gguf.part");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(part2).size() > 0; }, 10000));
        QVERIFY(QFileInfo::exists(f.modelsFile("tiny-00001-of-00002.gguf")));
        const QModelIndex row = f.manager->model()->index(0);
        QCOMPARE(f.manager->model()->data(row, DownloadListModel::CurrentFileRole).toInt(), 2);
        f.manager->pause("tiny");
        QVERIFY(f.waitFor(State::Paused));
        QVERIFY(f.item().received > bodies[0].size());

        ModelLibrary other(&f.store, &f.modelSettings);  // a start-up scan meanwhile: not listed yet
        other.scanDownloads(f.dir.filePath("models"));
        QVERIFY(QTest::qWaitFor([&] { return !other.busy(); }, 5000));
        QCOMPARE(other.models()->rowCount(), 0);

        f.make(f.splitEntry(bodies, {QString::fromLatin1(sha256(bodies[0])), QString::fromLatin1(sha256(bodies[1]))}));
        QCOMPARE(f.item().state, State::Paused);
        QCOMPARE(f.item().fileIndex, 1);
        QCOMPARE(f.item().received, bodies[0].size() + QFileInfo(part2).size());
        const int before = static_cast<int>(f.server.requests().size());
        f.manager->resume("tiny");
        QVERIFY(f.waitFor(State::Done, 30000));
        QCOMPARE(f.server.requests().size(), before + 1);  // only the rest of the second file
        QVERIFY(f.server.requests().last().range.startsWith("bytes="));
        QVERIFY2(f.item().verification.startsWith("SHA-256 of each file downloaded since Ponder started verified") &&
                     f.item().verification.endsWith("(1 of 2) were verified then."),
                 qPrintable(f.item().verification));

        // Cancel in the middle of another run: the set's files and the .part go.
        QVERIFY(QFile::remove(f.modelsFile("tiny-00002-of-00002.gguf")));
        f.make(f.splitEntry(bodies, {}));
        QCOMPARE(f.item().state, State::Paused);
        f.manager->start("tiny");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(part2).size() > 0; }, 10000));
        f.manager->cancel("tiny");
        QCOMPARE(f.item().state, State::NotDownloaded);
        QTest::qWait(50);
        QVERIFY(!QFileInfo::exists(part2));
        QVERIFY(!QFileInfo::exists(f.modelsFile("tiny-00001-of-00002.gguf")));
    }

    // Split entries in the catalogue: the files named as a set, in order; the entry's size the sum.
    void splitCatalogueEntries_data() {
        QTest::addColumn<QJsonArray>("files");
        QTest::addColumn<QString>("expected");
        auto file = [](const QString& name, const QString& url = {}) {
            return QJsonObject{{"fileName", name}, {"url", url.isEmpty() ? "https://h/" + name : url}, {"approxSizeBytes", 1000}};
        };
        QTest::newRow("valid") << QJsonArray{file("R1-00001-of-00002.gguf"), file("R1-00002-of-00002.gguf")} << "";
        QTest::newRow("one file") << QJsonArray{file("R1-00001-of-00001.gguf")} << "two or more files";
        QTest::newRow("order") << QJsonArray{file("R1-00002-of-00002.gguf"), file("R1-00001-of-00002.gguf")}
                               << "NAME-00001-of-00002.gguf, in order";
        QTest::newRow("count") << QJsonArray{file("R1-00001-of-00003.gguf"), file("R1-00002-of-00003.gguf")}
                               << "must be named";
        QTest::newRow("not a set") << QJsonArray{file("a.gguf"), file("b.gguf")} << "must be named";
        QTest::newRow("http") << QJsonArray{file("R1-00001-of-00002.gguf"), file("R1-00002-of-00002.gguf", "http://h/x")}
                              << "file 2: url must be https";
    }

    void splitCatalogueEntries() {
        QFETCH(QJsonArray, files);
        QFETCH(QString, expected);
        const QJsonObject entry{{"id", "r1"}, {"name", "DeepSeek-R1"}, {"quantization", "Q4_K_M"}, {"files", files}};
        const QJsonObject other{{"id", "x"}, {"name", "X"}, {"quantization", "Q8_0"}, {"fileName", "R1-00002-of-00002.gguf"},
                                {"url", "https://h/x.gguf"}};
        const QByteArray json = QJsonDocument(QJsonObject{{"version", 1}, {"models", QJsonArray{entry}}}).toJson();
        QList<CatalogueEntry> entries;
        QString error;
        if (!expected.isEmpty()) {
            QVERIFY(!parseCatalogue(json, entries, error));
            QVERIFY2(error.contains(expected), qPrintable(error));
            return;
        }
        QVERIFY2(parseCatalogue(json, entries, error), qPrintable(error));
        QCOMPARE(entries.size(), 1);
        const CatalogueEntry& e = entries[0];
        QCOMPARE(e.files().size(), 2);
        QCOMPARE(e.fileName, QStringLiteral("R1-00001-of-00002.gguf"));  // the library lists the set there
        QCOMPARE(e.approxSize, qint64(2000));
        QCOMPARE(e.files()[1].url, QUrl("https://h/R1-00002-of-00002.gguf"));
        // A file of the set named again by another entry is refused.
        const QByteArray twice = QJsonDocument(QJsonObject{{"version", 1}, {"models", QJsonArray{entry, other}}}).toJson();
        QVERIFY(!parseCatalogue(twice, entries, error));
        QVERIFY2(error.contains("unique"), qPrintable(error));
    }

    // The bundled catalogue parses, and every entry is an https GGUF with a plausible size.
    void bundledCatalogue() {
        QList<CatalogueEntry> entries;
        QString error;
        QVERIFY2(loadCatalogue(PONDER_SOURCE_DIR "/resources/catalogue/r1-distill.json", entries, error),
                 qPrintable(error));
        QVERIFY(entries.size() >= 6);
        for (const CatalogueEntry& e : entries) {
            QCOMPARE(e.url.host(), QStringLiteral("huggingface.co"));
            QVERIFY2(e.url.path().endsWith("/resolve/main/" + e.fileName), qPrintable(e.url.toString()));
            QVERIFY(e.approxSize > 500000000);
            QVERIFY(e.architecture == "qwen2" || e.architecture == "llama");
        }
    }

    void catalogueErrors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        const QJsonObject ok{{"id", "a"}, {"name", "A"}, {"quantization", "Q4_K_M"}, {"fileName", "a.gguf"},
                             {"url", "https://h/a.gguf"}};
        auto doc = [](int version, const QJsonArray& models) {
            return QJsonDocument(QJsonObject{{"version", version}, {"models", models}}).toJson();
        };
        auto with = [&](const char* key, const QJsonValue& v) {
            QJsonObject o = ok;
            o[key] = v;
            return o;
        };
        QTest::newRow("not json") << QByteArray("{") << "catalogue:";
        QTest::newRow("version") << doc(2, {}) << "unsupported version";
        QTest::newRow("http") << doc(1, {with("url", "http://h/a.gguf")}) << "url must be https";
        QTest::newRow("path in name") << doc(1, {with("fileName", "../a.gguf")}) << "plain *.gguf name";
        QTest::newRow("bad sha") << doc(1, {with("sha256", "abc")}) << "64 hex digits";
        QTest::newRow("duplicate") << doc(1, {ok, ok}) << "duplicate id";
        QJsonObject b = with("id", "b");
        b["fileName"] = "b.gguf";
        QTest::newRow("same file twice") << doc(1, {ok, with("id", "b")}) << "unique";
        QTest::newRow("valid") << doc(1, {ok, b}) << "";
    }

    void catalogueErrors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QList<CatalogueEntry> entries;
        QString error;
        if (expected.isEmpty()) {
            QVERIFY2(parseCatalogue(json, entries, error), qPrintable(error));
            QCOMPARE(entries.size(), 2);
            QCOMPARE(entries[1].sha256, QString());  // absent: not pinned
            return;
        }
        QVERIFY(!parseCatalogue(json, entries, error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    // Before a download, each entry says whether it fits this computer's memory (file + KV cache
    // at the default context); a too-big one is offered as "Download anyway". A failed download
    // with its partial file kept says "Resume", as its error message does; without one, "Retry".
    void entriesSayWhetherTheyFit() {
        QList<CatalogueEntry> entries;
        QString error;
        QVERIFY2(loadCatalogue(QStringLiteral(PONDER_SOURCE_DIR "/resources/catalogue/r1-distill.json"), entries, error),
                 qPrintable(error));
        for (const CatalogueEntry& e : entries) QVERIFY2(e.kvBytesPerToken > 0, qPrintable(e.id));
        DownloadListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<DownloadItem> items;
        for (const CatalogueEntry& e : entries) {
            DownloadItem item;
            item.entry = e;
            items.append(item);
        }
        model.setItems(items);
        auto row = [&](const QString& id) { return model.index(model.indexOf(id)); };
        const QModelIndex small = row(QStringLiteral("r1-distill-qwen-1.5b-q4_k_m"));
        QCOMPARE(model.data(small, DownloadListModel::MemoryFitRole).toInt(), -1);  // machine not known yet
        QCOMPARE(model.data(small, DownloadListModel::FitTextRole).toString(), QString());

        SystemMemory machine;
        machine.total = qint64{23500} << 20;  // the 23.5 GiB machine of the report
        machine.available = qint64{20000} << 20;
        model.setMachineMemory(machine);
        QCOMPARE(model.data(small, DownloadListModel::MemoryFitRole).toInt(), int(MemoryFit::Fits));
        QVERIFY(model.data(small, DownloadListModel::FitTextRole).toString().startsWith(QStringLiteral("Fits this computer")));
        QCOMPARE(model.data(small, DownloadListModel::StartLabelRole).toString(), QStringLiteral("Download"));
        const QModelIndex big = row(QStringLiteral("r1-distill-llama-70b-q4_k_m"));
        QVERIFY(big.isValid());
        QCOMPARE(model.data(big, DownloadListModel::MemoryFitRole).toInt(), int(MemoryFit::TooBig));
        QVERIFY(model.data(big, DownloadListModel::FitTextRole).toString().startsWith(QStringLiteral("Too big for this computer")));
        QCOMPARE(model.data(big, DownloadListModel::StartLabelRole).toString(), QStringLiteral("Download anyway"));
        // The need counts the KV cache too: more than the file alone.
        QVERIFY(model.data(small, DownloadListModel::MemoryNeededRole).toDouble() > static_cast<double>(entries[0].approxSize));

        // With a GPU backend, its memory is a second figure.
        model.setMachineMemory(machine, qint64{8} << 30);
        QVERIFY(model.data(small, DownloadListModel::FitTextRole).toString().contains(QStringLiteral("Fits the GPU")));

        DownloadItem failed;
        failed.entry = entries[0];
        failed.state = DownloadItem::Failed;
        failed.received = 1000;
        model.update(failed);
        QCOMPARE(model.data(small, DownloadListModel::StartLabelRole).toString(), QStringLiteral("Resume"));
        failed.received = 0;
        model.update(failed);
        QCOMPARE(model.data(small, DownloadListModel::StartLabelRole).toString(), QStringLiteral("Retry"));
    }
};

QTEST_GUILESS_MAIN(TestDownload)
#include "test_download.moc"
