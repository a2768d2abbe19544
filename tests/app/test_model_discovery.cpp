// Finding models other tools downloaded, against fake trees laid out as Ollama, LM Studio and
// the Hugging Face hub cache lay them out: right files, right names, nothing copied, non-GGUF
// blobs, projectors and later split shards skipped.
#include "models/discovery.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

namespace {

// Discovery only reads the magic, so a "model" here is the four bytes and some filler.
void writeGguf(const QString& path) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("GGUF");
    f.write(QByteArray(60, '\1'));
}

void writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

void symlink(const QString& target, const QString& link) {
    QDir().mkpath(QFileInfo(link).path());
    QVERIFY(QFile::link(target, link));
}

QByteArray manifest(const QList<QPair<QString, QString>>& layers) {
    QJsonArray arr;
    for (const auto& [mediaType, digest] : layers)
        arr.append(QJsonObject{{"mediaType", mediaType}, {"digest", digest}, {"size", 64}});
    return QJsonDocument(QJsonObject{{"schemaVersion", 2}, {"layers", arr}}).toJson();
}

const QString kModel = QStringLiteral("application/vnd.ollama.image.model");
const QString kTemplate = QStringLiteral("application/vnd.ollama.image.template");

QStringList paths(const QList<FoundModel>& found) {
    QStringList out;
    for (const FoundModel& f : found) out << f.path;
    return out;
}

} // namespace

class TestModelDiscovery : public QObject {
    Q_OBJECT

private slots:
    void ollama() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath("ollama/models");
        const QString a(64, 'a'), b(64, 'b'), c(64, 'c'), t(64, 't');
        writeGguf(root + "/blobs/sha256-" + a);
        writeText(root + "/blobs/sha256-" + b, "safetensors, not gguf");
        writeGguf(root + "/blobs/sha256-" + c);
        writeText(root + "/blobs/sha256-" + t, "{{ .Prompt }}");
        const QString m = root + "/manifests/registry.ollama.ai/";
        // two tags of one model share the blob; its template layer is not a model
        writeText(m + "library/deepseek-r1/7b", manifest({{kTemplate, "sha256:" + t}, {kModel, "sha256:" + a}}));
        writeText(m + "library/deepseek-r1/latest", manifest({{kModel, "sha256:" + a}}));
        writeText(m + "library/other/1b", manifest({{kModel, "sha256:" + b}}));           // not GGUF
        writeText(m + "library/gone/1b", manifest({{kModel, "sha256:" + QString(64, 'd')}})); // blob missing
        writeText(m + "library/broken/1b", "{ not json");
        writeText(m + "library/escape/1b", manifest({{kModel, "sha256:../../x"}}));
        writeText(root + "/manifests/hf.co/bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF/Q4_K_M",
                  manifest({{kModel, "sha256:" + c}}));

        const QList<FoundModel> found = discoverOllama(root);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].path, root + "/blobs/sha256-" + a);
        QCOMPARE(found[0].name, QStringLiteral("deepseek-r1:7b, deepseek-r1:latest"));
        QCOMPARE(found[0].source, ModelSource::Ollama);
        QCOMPARE(found[1].path, root + "/blobs/sha256-" + c);
        QCOMPARE(found[1].name, QStringLiteral("hf.co/bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M"));
        QVERIFY(discoverOllama(tmp.filePath("nowhere")).isEmpty());
    }

    void lmStudio() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath("lmstudio/models");
        const QString repo = root + "/lmstudio-community/DeepSeek-R1-Distill-Qwen-7B-GGUF/";
        writeGguf(repo + "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf");
        writeGguf(repo + "mmproj-model-f16.gguf");                 // a vision projector
        writeText(repo + "README.md", "# readme");
        writeText(repo + "fake.gguf", "not really");               // .gguf without the magic
        const QString big = root + "/bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF/Q8_0/";
        writeGguf(big + "DeepSeek-R1-Distill-Llama-70B-Q8_0-00001-of-00002.gguf");
        writeGguf(big + "DeepSeek-R1-Distill-Llama-70B-Q8_0-00002-of-00002.gguf");
        writeGguf(root + "/stray.gguf");                            // not in publisher/repo

        const QList<FoundModel> found = discoverLmStudio(root);
        QCOMPARE(paths(found), QStringList({big + "DeepSeek-R1-Distill-Llama-70B-Q8_0-00001-of-00002.gguf",
                                            repo + "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"}));
        QCOMPARE(found[1].name,
                 QStringLiteral("lmstudio-community/DeepSeek-R1-Distill-Qwen-7B-GGUF · DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"));
        QCOMPARE(found[1].source, ModelSource::LmStudio);
        QCOMPARE(found[0].name, QStringLiteral("bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF · DeepSeek-R1-Distill-Llama-70B-Q8_0"));
    }

    // A split set is one model wherever it is found: listed once at its first file, named
    // without the -0000k-of-0000N suffix; with a file missing (the first included) it is still
    // listed, for the library to say what is missing, never silently dropped.
    void splitSetsAreOneEntry() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath("Models");
        for (int k = 1; k <= 3; k++) writeGguf(root + QStringLiteral("/DeepSeek-R1-Q4_K_M-0000%1-of-00003.gguf").arg(k));
        for (int k : {2, 3}) writeGguf(root + QStringLiteral("/sub/R1-IQ1_S-0000%1-of-00003.gguf").arg(k));  // no first file
        writeGguf(root + "/single.gguf");
        const QList<FoundModel> found = scanFolder(root);
        QCOMPARE(paths(found), QStringList({root + "/DeepSeek-R1-Q4_K_M-00001-of-00003.gguf", root + "/single.gguf",
                                            root + "/sub/R1-IQ1_S-00001-of-00003.gguf"}));
        QCOMPARE(found[0].name, QStringLiteral("DeepSeek-R1-Q4_K_M"));
        QCOMPARE(found[1].name, QStringLiteral("single.gguf"));
        QCOMPARE(found[2].name, QStringLiteral("R1-IQ1_S"));

        // The Hugging Face cache: a set in a quant folder of a snapshot, each file a link to a blob;
        // two revisions holding the same set are one entry.
        const QString hub = tmp.filePath("hub");
        const QString repo = hub + "/models--unsloth--DeepSeek-R1-GGUF";
        for (int k = 1; k <= 3; k++) {
            const QString blob = QString(64, QLatin1Char(static_cast<char>('0' + k)));
            writeGguf(repo + "/blobs/" + blob);
            for (const char* rev : {"r1", "r2"})
                symlink("../../../blobs/" + blob,
                        repo + QStringLiteral("/snapshots/%1/Q4_K_M/DeepSeek-R1-Q4_K_M-0000%2-of-00003.gguf").arg(rev).arg(k));
        }
        const QList<FoundModel> hf = discoverHuggingFace(hub);
        QCOMPARE(hf.size(), 1);
        QCOMPARE(hf[0].path, repo + "/snapshots/r1/Q4_K_M/DeepSeek-R1-Q4_K_M-00001-of-00003.gguf");
        QCOMPARE(hf[0].name, QStringLiteral("unsloth/DeepSeek-R1-GGUF · DeepSeek-R1-Q4_K_M"));
    }

    void huggingFaceCache() {
        QTemporaryDir tmp;
        const QString hub = tmp.filePath("hf/hub");
        const QString repo = hub + "/models--bartowski--DeepSeek-R1-Distill-Qwen-7B-GGUF";
        const QString blob = repo + "/blobs/" + QString(64, 'e'), blob8 = repo + "/blobs/" + QString(64, 'f');
        writeGguf(blob);
        writeGguf(blob8);
        writeText(repo + "/blobs/" + QString(64, '0') + ".incomplete", "GGUFpartial");
        writeText(repo + "/refs/main", "rev2");
        // Two revisions link the same file (one entry); a subfolder holds a second quant; one link
        // points at a blob that was deleted.
        symlink("../../blobs/" + QString(64, 'e'), repo + "/snapshots/rev1/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf");
        symlink("../../blobs/" + QString(64, 'e'), repo + "/snapshots/rev2/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf");
        symlink("../../../blobs/" + QString(64, 'f'), repo + "/snapshots/rev2/Q8_0/DeepSeek-R1-Distill-Qwen-7B-Q8_0.gguf");
        symlink("../../blobs/" + QString(64, '9'), repo + "/snapshots/rev2/DeepSeek-R1-Distill-Qwen-7B-Q6_K.gguf");
        writeGguf(hub + "/datasets--someone--data/snapshots/r/x.gguf");  // datasets are not models

        const QList<FoundModel> found = discoverHuggingFace(hub);
        QCOMPARE(found.size(), 2);
        QCOMPARE(found[0].path, repo + "/snapshots/rev1/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf");
        QCOMPARE(found[0].name, QStringLiteral("bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF · DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"));
        QCOMPARE(found[0].source, ModelSource::HuggingFace);
        QCOMPARE(found[1].path, repo + "/snapshots/rev2/Q8_0/DeepSeek-R1-Distill-Qwen-7B-Q8_0.gguf");
        // Nothing was copied: the found files are the cache's own links.
        QVERIFY(QFileInfo(found[0].path).isSymLink());
    }

    void roots() {
        QProcessEnvironment env;
        DiscoveryRoots r = DiscoveryRoots::fromEnvironment("/home/u", env);
        QCOMPARE(r.ollama, QStringLiteral("/home/u/.ollama/models"));
        QCOMPARE(r.lmStudio, QStringList({"/home/u/.lmstudio/models", "/home/u/.cache/lm-studio/models"}));
        QCOMPARE(r.huggingFace, QStringLiteral("/home/u/.cache/huggingface/hub"));
        env.insert("HF_HOME", "/data/hf");
        env.insert("OLLAMA_MODELS", "/srv/ollama");
        r = DiscoveryRoots::fromEnvironment("/home/u", env);
        QCOMPARE(r.ollama, QStringLiteral("/srv/ollama"));
        QCOMPARE(r.huggingFace, QStringLiteral("/data/hf/hub"));
        env.insert("HF_HUB_CACHE", "/fast/hub");
        QCOMPARE(DiscoveryRoots::fromEnvironment("/home/u", env).huggingFace, QStringLiteral("/fast/hub"));
    }

    // A file reachable twice (an LM Studio folder linking into the HF cache) is listed once.
    void allToolsDeduplicated() {
        QTemporaryDir tmp;
        const QString hub = tmp.filePath("hub");
        const QString repo = hub + "/models--unsloth--DeepSeek-R1-Distill-Llama-8B-GGUF";
        writeGguf(repo + "/blobs/" + QString(64, '1'));
        symlink("../../blobs/" + QString(64, '1'), repo + "/snapshots/r/DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf");
        const QString lm = tmp.filePath("lm");
        symlink(repo + "/snapshots/r/DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf",
                lm + "/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF/DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf");
        DiscoveryRoots roots;
        roots.ollama = tmp.filePath("no-ollama");
        roots.lmStudio = {lm};
        roots.huggingFace = hub;
        const QList<FoundModel> all = discoverAll(roots);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all[0].source, ModelSource::LmStudio);
    }

    void userFolderScan() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath("Models");
        writeGguf(root + "/a.gguf");
        writeGguf(root + "/deep/er/b.GGUF");
        writeText(root + "/notes.txt", "x");
        QVERIFY(QFile::link(root, root + "/loop"));  // a link back up must not trap the scan
        const QList<FoundModel> found = scanFolder(root);
        QCOMPARE(paths(found), QStringList({root + "/a.gguf", root + "/deep/er/b.GGUF"}));
        QCOMPARE(found[0].name, QStringLiteral("a.gguf"));
        QCOMPARE(scanFolder(root, ModelSource::Downloaded, 0).size(), 1);  // depth 0: the folder only
    }
};

QTEST_GUILESS_MAIN(TestModelDiscovery)
#include "test_model_discovery.moc"
