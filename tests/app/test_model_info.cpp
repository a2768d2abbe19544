// Model metadata without loading weights: labels (parameters, quantization), the memory
// estimate against real R1-distill configurations, machine facts, and the messages bad model
// files give.
#include "model_test_fixtures.h"
#include "models/memory_estimate.h"
#include "models/model_info.h"
#include "ponder/model_info.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

class TestModelInfo : public QObject {
    Q_OBJECT

private slots:
    void parameterCounts() {
        QCOMPARE(formatParameterCount(1543714304), QStringLiteral("1.5B"));   // R1-Distill-Qwen-1.5B
        QCOMPARE(formatParameterCount(7615616512), QStringLiteral("7.6B"));   // R1-Distill-Qwen-7B
        QCOMPARE(formatParameterCount(70553706496), QStringLiteral("70.6B")); // R1-Distill-Llama-70B
        QCOMPARE(formatParameterCount(671026419712), QStringLiteral("671B"));
        QCOMPARE(formatParameterCount(494032768), QStringLiteral("494M"));
        QCOMPARE(formatParameterCount(1060000), QStringLiteral("1.1M"));
        QCOMPARE(formatParameterCount(8000000000), QStringLiteral("8B"));
        QCOMPARE(formatParameterCount(0), QString());
    }

    void quantizationLabels() {
        QCOMPARE(fileTypeName(15), QStringLiteral("Q4_K_M"));
        QCOMPARE(fileTypeName(7), QStringLiteral("Q8_0"));
        QCOMPARE(fileTypeName(32), QStringLiteral("BF16"));
        QCOMPARE(fileTypeName(1024 + 17), QStringLiteral("Q5_K_M"));  // "guessed" flag
        QCOMPARE(fileTypeName(4), QString());                         // retired
        QCOMPARE(fileTypeName(99), QString());

        const QMap<QString, quint64> q4km{{"Q4_K", 4000}, {"Q6_K", 700}, {"F32", 5}};
        QCOMPARE(quantizationLabel(15, q4km), QStringLiteral("Q4_K_M"));
        QCOMPARE(quantizationLabel(-1, q4km), QStringLiteral("Q4_K"));  // no key: the dominant type
        // A converter that wrote file_type 0 (F32) over Q8_0 tensors: believe the tensors.
        QCOMPARE(quantizationLabel(0, {{"Q8_0", 900}, {"F32", 10}}), QStringLiteral("Q8_0"));
        QCOMPARE(quantizationLabel(0, {{"F32", 10}}), QStringLiteral("F32"));
    }

    void splitShards() {
        QVERIFY(!isLaterSplitShard("DeepSeek-R1-Distill-Llama-70B-Q8_0-00001-of-00002.gguf"));
        QVERIFY(isLaterSplitShard("DeepSeek-R1-Distill-Llama-70B-Q8_0-00002-of-00002.gguf"));
        QVERIFY(!isLaterSplitShard("model.gguf"));
    }

    // Names only: where a file of a set is listed, under which name, how many files.
    void splitSetNames() {
        const QString shard4 = "/m/DeepSeek-R1-Q4_K_M-00004-of-00009.gguf";
        QCOMPARE(modelEntryPath(shard4), QStringLiteral("/m/DeepSeek-R1-Q4_K_M-00001-of-00009.gguf"));
        QCOMPARE(modelEntryPath("/m/DeepSeek-R1-Q4_K_M-00001-of-00009.gguf"), QStringLiteral("/m/DeepSeek-R1-Q4_K_M-00001-of-00009.gguf"));
        QCOMPARE(modelEntryPath("/m/model.gguf"), QStringLiteral("/m/model.gguf"));
        QCOMPARE(modelDisplayName(shard4), QStringLiteral("DeepSeek-R1-Q4_K_M"));
        QCOMPARE(modelDisplayName("/m/model.gguf"), QStringLiteral("model.gguf"));
        QCOMPARE(splitCountOfName(shard4), 9);
        QCOMPARE(splitCountOfName("/m/model.gguf"), 1);
        QCOMPARE(splitCountOfName("/m/x-00003-of-00002.gguf"), 1);  // not a set's name: k > N
        QCOMPARE(modelEntryPath("/m/x-0001-of-0002.gguf"), QStringLiteral("/m/x-0001-of-0002.gguf"));  // four digits
    }

    // On disk: the files present and missing, summed, and the card's sentence for the missing.
    void splitSetOnDisk() {
        QTemporaryDir dir;
        const QString base = dir.filePath("DeepSeek-R1-Q4_K_M-%1-of-00009.gguf");
        for (int k : {1, 2, 3, 5, 6, 7, 8, 9})
            QVERIFY(ponder::test::writeBytes(base.arg(k, 5, 10, QLatin1Char('0')), QByteArray(100 + k, 'x')));
        SplitSet set;
        QVERIFY(splitSetOf(base.arg(7, 5, 10, QLatin1Char('0')), set));
        QCOMPARE(set.firstPath, base.arg(1, 5, 10, QLatin1Char('0')));
        QCOMPARE(set.name, QStringLiteral("DeepSeek-R1-Q4_K_M"));
        QCOMPARE(set.count, 9);
        QCOMPARE(set.paths.size(), 9);
        QCOMPARE(set.missing, QStringList{"DeepSeek-R1-Q4_K_M-00004-of-00009.gguf"});
        QCOMPARE(set.presentBytes, qint64(8 * 100 + 45 - 4));
        QVERIFY2(missingFilesText(set).startsWith("Missing DeepSeek-R1-Q4_K_M-00004-of-00009.gguf"),
                 qPrintable(missingFilesText(set)));
        QCOMPARE(modelBytesOnDisk(set.paths[2]), set.presentBytes);
        QFile::remove(set.paths[0]);
        QFile::remove(set.paths[4]);
        QFile::remove(set.paths[5]);
        QFile::remove(set.paths[6]);
        QVERIFY(splitSetOf(set.paths[1], set));
        QCOMPARE(set.missing.size(), 5);
        const QString text = missingFilesText(set);
        QVERIFY2(text.startsWith("Missing 5 of its 9 files: DeepSeek-R1-Q4_K_M-00001-of-00009.gguf, "), qPrintable(text));
        QVERIFY2(text.contains("and 2 more"), qPrintable(text));
        QVERIFY(!splitSetOf(dir.filePath("model.gguf"), set));
    }

    // A model split into three files reads as one: the first file's metadata, every file's
    // tensors and bytes.
    void metadataOfSplitSet() {
        QTemporaryDir dir;
        const QString whole = dir.filePath("whole.gguf");
        QVERIFY(ponder::test::writeTinyModel(whole, {}));
        const QString first = dir.filePath("tiny-00001-of-00003.gguf");
        QString error;
        QVERIFY2(ponder::test::splitModel(whole, first, 3, &error), qPrintable(error));
        const ModelMetadata one = readModelMetadata(whole);
        for (int k = 1; k <= 3; k++) {  // whichever file is asked about
            const ModelMetadata m = readModelMetadata(dir.filePath(QStringLiteral("tiny-0000%1-of-00003.gguf").arg(k)));
            QVERIFY2(m.ok(), qPrintable(m.error));
            QCOMPARE(m.splitCount, 3);
            QCOMPARE(m.architecture, QStringLiteral("qwen2"));
            QCOMPARE(m.parameterCount, one.parameterCount);
            QCOMPARE(m.trainedContext, one.trainedContext);
            qint64 sum = 0;
            for (int j = 1; j <= 3; j++) sum += QFileInfo(dir.filePath(QStringLiteral("tiny-0000%1-of-00003.gguf").arg(j))).size();
            QCOMPARE(m.fileSize, sum);
        }
        // One file gone: a clear problem naming it, what the first file says still shown.
        QVERIFY(QFile::remove(dir.filePath("tiny-00002-of-00003.gguf")));
        const ModelMetadata m = readModelMetadata(first);
        QVERIFY(!m.ok());
        QVERIFY2(m.error.startsWith("Missing tiny-00002-of-00003.gguf"), qPrintable(m.error));
        QCOMPARE(m.missingFiles, QStringList{"tiny-00002-of-00003.gguf"});
        QCOMPARE(m.architecture, QStringLiteral("qwen2"));
        QCOMPARE(m.splitCount, 3);
        QCOMPARE(m.fileSize, QFileInfo(first).size() + QFileInfo(dir.filePath("tiny-00003-of-00003.gguf")).size());
        ModelMetadata back;
        QVERIFY(ModelMetadata::fromJson(m.toJson(), back));
        QCOMPARE(back.missingFiles, m.missingFiles);
        // The first file gone too: still one problem, no crash.
        QVERIFY(QFile::remove(first));
        const ModelMetadata none = readModelMetadata(dir.filePath("tiny-00003-of-00003.gguf"));
        QVERIFY(none.error.startsWith("Missing 2 of its 3 files"));
    }

    // Full R1's header (sparse: ~404 GB apparent, ~3 MB on disk) reads like the real file.
    void metadataOfR1Header() {
        QTemporaryDir dir;
        const QString path = dir.filePath("DeepSeek-R1-Q4_K_M.gguf");
        QString error;
        QVERIFY2(ponder::test::writeR1Header(path, &error), qPrintable(error));
        const ModelMetadata m = readModelMetadata(path);
        QVERIFY2(m.ok(), qPrintable(m.error));
        QCOMPARE(m.architecture, QStringLiteral("deepseek2"));
        QCOMPARE(formatParameterCount(m.parameterCount), QStringLiteral("671B"));
        QCOMPARE(m.kvBytesPerToken, quint64(61 * 576 * 2));
        QVERIFY(m.fileSize > 400'000'000'000LL);
    }

    // R1-Distill-Qwen-7B: 28 layers, 4 KV heads of dim 128. F16 KV at 4096 tokens:
    // 2 (K and V) * 28 * 4096 * 4 * 128 * 2 bytes = 234,881,024 bytes.
    void kvCacheOfQwen7B() {
        ponder::ModelHparams hp;
        hp.arch = "qwen2";
        hp.n_layer = 28;
        hp.n_head = 28;
        hp.n_head_kv = 4;
        hp.head_dim_k = hp.head_dim_v = 128;
        QCOMPARE(kvCacheBytesPerToken(hp), quint64(57344));  // 56 KiB per token
        QCOMPARE(kvCacheBytesPerToken(hp) * 4096, quint64(234881024));
        QCOMPARE(memoryNeededBytes(4683073952, kvCacheBytesPerToken(hp), 4096), quint64(4683073952) + 234881024);
    }

    void kvCacheOfOtherConfigs() {
        ponder::ModelHparams llama70;  // 80 layers, 8 KV heads: 320 KiB per token
        llama70.arch = "llama";
        llama70.n_layer = 80;
        llama70.n_head = 64;
        llama70.n_head_kv = 8;
        llama70.head_dim_k = llama70.head_dim_v = 128;
        QCOMPARE(kvCacheBytesPerToken(llama70), quint64(320 * 1024));
        ponder::ModelHparams r1;  // MLA: 512 latent + 64 rope values per layer, 61 layers
        r1.arch = "deepseek2";
        r1.n_layer = 61;
        r1.kv_lora_rank = 512;
        r1.n_rot = 64;
        r1.n_head_kv = 128;
        r1.head_dim_k = 192;
        r1.head_dim_v = 128;
        QCOMPARE(kvCacheBytesPerToken(r1), quint64(61 * 576 * 2));
    }

    // The estimate from a GGUF header written with the 7B's configuration.
    void metadataOfQwen7BHeader() {
        QTemporaryDir dir;
        const QString path = dir.filePath("qwen7b.gguf");
        QVERIFY(ponder::test::writeHeaderOnlyModel(path, "qwen2", 28, 3584, 28, 4, 131072));
        const ModelMetadata m = readModelMetadata(path);
        QVERIFY2(m.ok(), qPrintable(m.error));
        QCOMPARE(m.architecture, QStringLiteral("qwen2"));
        QCOMPARE(m.trainedContext, qint64(131072));
        QCOMPARE(m.kvBytesPerToken, quint64(57344));
        QCOMPARE(m.quantization, QStringLiteral("Q4_K_M"));
        QCOMPARE(m.parameterCount, quint64(3584));
    }

    void metadataOfTinyModel() {
        QTemporaryDir dir;
        const QString path = dir.filePath("tiny.gguf");
        QVERIFY(ponder::test::writeTinyModel(path, {}));
        const ModelMetadata m = readModelMetadata(path);
        QVERIFY2(m.ok(), qPrintable(m.error));
        QCOMPARE(m.architecture, QStringLiteral("qwen2"));
        QCOMPARE(m.generalName, QStringLiteral("ponder-test-tiny"));
        QCOMPARE(m.quantization, QStringLiteral("F32"));
        QCOMPARE(m.fileSize, QFileInfo(path).size());
        QCOMPARE(m.trainedContext, qint64(2048));
        QCOMPARE(m.kvBytesPerToken, quint64(2 * 2 * (16 + 16) * 2));  // layers * kv heads * (k+v dims) * 2 B
        // embeddings and output (64 x 260 each), and per layer: norms, q/k/v/o, biases, FFN
        const quint64 perLayer = 64 + 64 * 64 + 2 * 64 * 32 + 64 + 32 + 32 + 64 * 64 + 64 + 3 * 64 * 128;
        QCOMPARE(m.parameterCount, quint64(2 * 64 * 260 + 64 + 2 * perLayer));
    }

    void metadataJsonRoundTrip() {
        ModelMetadata m;
        m.architecture = "llama";
        m.parameterCount = 70553706496;
        m.quantization = "Q4_K_M";
        m.fileSize = 42520395584;
        m.trainedContext = 131072;
        m.kvBytesPerToken = 327680;
        m.error = "x";
        ModelMetadata back;
        QVERIFY(ModelMetadata::fromJson(m.toJson(), back));
        QCOMPARE(back.parameterCount, m.parameterCount);
        QCOMPARE(back.fileSize, m.fileSize);
        QCOMPARE(back.kvBytesPerToken, m.kvBytesPerToken);
        QCOMPARE(back.error, m.error);
        QJsonObject old = m.toJson();
        old["v"] = 0;
        QVERIFY(!ModelMetadata::fromJson(old, back));  // another cache format: read the file again
    }

    void badFiles_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not gguf") << "text" << "Not a GGUF model file";
        QTest::newRow("empty") << "empty" << "Not a GGUF model file";
        QTest::newRow("truncated") << "truncated" << "incomplete (truncated)";
        QTest::newRow("unknown tensor type") << "unknown-type" << "tensor type this version of Ponder does not know";
        QTest::newRow("unsupported architecture") << "phi3" << "architecture is not supported";
        // split.count in a file not named like one of a set: the other files cannot be found.
        QTest::newRow("split") << "split" << "split model must be named NAME-00001-of-";
        QTest::newRow("missing") << "missing" << "no longer exists";
    }

    void badFiles() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.gguf");
        if (kind == "text") QVERIFY(ponder::test::writeBytes(path, "these are my notes, not a model\n"));
        if (kind == "empty") QVERIFY(ponder::test::writeBytes(path, {}));
        if (kind == "truncated") {
            QVERIFY(ponder::test::writeTinyModel(path, {}));
            QVERIFY(ponder::test::truncateFile(path, QFileInfo(path).size() / 2));
        }
        if (kind == "unknown-type") QVERIFY(ponder::test::writeUnknownTypeModel(path, 99));
        if (kind == "phi3") QVERIFY(ponder::test::writeHeaderOnlyModel(path, "phi3", 2, 64, 4, 4, 2048));
        if (kind == "split") {
            ponder::test::TinyModelSpec spec;
            spec.splitCount = 3;
            QVERIFY(ponder::test::writeTinyModel(path, spec));
        }
        const ModelMetadata m = readModelMetadata(path);
        QVERIFY(!m.ok());
        QVERIFY2(m.error.contains(expected), qPrintable(m.error));
        QVERIFY2(!m.error.contains(path), "the card shows the file; the message should not repeat its path");
    }

    void meminfo() {
        const SystemMemory m = parseMeminfo("MemTotal:       16318864 kB\nMemFree:         1234 kB\n"
                                            "MemAvailable:   12058624 kB\nBuffers: 1 kB\n");
        QCOMPARE(m.total, qint64(16318864) * 1024);
        QCOMPARE(m.available, qint64(12058624) * 1024);
        const SystemMemory machine{16 * (1LL << 30), 8 * (1LL << 30)};
        QCOMPARE(memoryFit(5ULL << 30, machine), MemoryFit::Fits);
        QCOMPARE(memoryFit(12ULL << 30, machine), MemoryFit::Tight);
        QCOMPARE(memoryFit(20ULL << 30, machine), MemoryFit::TooBig);
    }

    void physicalCores() {
        // Two sockets, two cores each, two hyperthreads per core.
        QByteArray cpuinfo;
        int processor = 0;
        for (int socket = 0; socket < 2; socket++)
            for (int core = 0; core < 2; core++)
                for (int ht = 0; ht < 2; ht++)
                    cpuinfo += QStringLiteral("processor\t: %1\nphysical id\t: %2\ncore id\t\t: %3\n\n")
                                   .arg(processor++).arg(socket).arg(core).toLatin1();
        QCOMPARE(parsePhysicalCores(cpuinfo), 4);
        QCOMPARE(parsePhysicalCores("processor : 0\n"), 0);  // no topology: the caller falls back
        QVERIFY(physicalCoreCount() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestModelInfo)
#include "test_model_info.moc"
