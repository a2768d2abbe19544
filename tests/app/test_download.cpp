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
