// Where a model would go, as the Models page shows it: ModelPlanner over full R1's sparse header
// (~404 GB apparent, ~3 MB on disk, in a temporary folder that deletes it) and a tiny deepseek2
// model: this computer (its free RAM, overridden here), other machines typed as device specs,
// the KV cache at the chosen context, the predicted speed, and a bad spec's error. The plan is
// made on a worker; the last one stays shown while the next is made.
#include "model_test_fixtures.h"
#include "models/model_planner.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ponder::app;

namespace {

constexpr qint64 kGiB = 1LL << 30;

bool waitPlan(const ModelPlanner& p) {
    return QTest::qWaitFor([&] { return !p.busy() && (p.ready() || !p.error().isEmpty()); }, 10000);
}

// Plans again after `change` and waits for the new plan.
template <typename Change>
bool replan(ModelPlanner& p, Change change) {
    QSignalSpy planned(&p, &ModelPlanner::planChanged);
    change();
    return planned.wait(10000) || planned.count() > 0;
}

} // namespace

class TestModelPlan : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_r1;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_r1 = m_dir.filePath("DeepSeek-R1-Q4_K_M.gguf");
        QString error;
        QVERIFY2(ponder::test::writeR1Header(m_r1, &error), qPrintable(error));
    }

    void machineSpecIsRoundedSoItStaysPut() {
        QCOMPARE(machineDeviceSpec(8 * kGiB + 100), QStringLiteral("cpu:8192MiB"));
        QCOMPARE(machineDeviceSpec(8 * kGiB + 255 * (1 << 20)), QStringLiteral("cpu:8192MiB"));
        QCOMPARE(machineDeviceSpec(100), QStringLiteral("cpu:256MiB"));  // never an empty budget
    }

    void r1DoesNotFitThisComputer() {
        ModelPlanner p;
        p.setMemoryAvailable(16.0 * kGiB);
        p.setContextLength(8192);
        p.setPath(m_r1);
        QVERIFY(waitPlan(p));
        QVERIFY2(p.error().isEmpty(), qPrintable(p.error()));
        QVERIFY(p.ready());
        QVERIFY(!p.fits());
        QCOMPARE(p.plannedDevices(), QStringLiteral("cpu:16384MiB"));
        // 376.7 GiB of weights + 0.5 GiB of KV cache against 16 GiB.
        QVERIFY2(p.verdict().startsWith("Does not fit this computer: ") && p.verdict().endsWith(" short"),
                 qPrintable(p.verdict()));
        QVERIFY(p.shortfallBytes() > 350.0 * kGiB && p.shortfallBytes() < 370.0 * kGiB);
        QVERIFY(p.deviceRows().isEmpty());
        QCOMPARE(p.speedText(), QString());
        QVERIFY(!p.why().isEmpty());
        // MLA: 61 layers x 576 values x 2 bytes = 68.6 KiB per token, 549 MiB at 8192 tokens.
        QCOMPARE(p.kvText(), QStringLiteral("KV cache %1 at %2 tokens (%3 per token)")
                                 .arg(QLocale().formattedDataSize(61 * 576 * 2 * 8192, 1), QLocale().toString(8192),
                                      QLocale().formattedDataSize(61 * 576 * 2, 1)));
        QVERIFY2(p.modelText().contains("671B parameters") && p.modelText().contains("8 of 256 experts"),
                 qPrintable(p.modelText()));
    }

    // Other machines: a big CPU server (layer split), a GPU beside it (hybrid: experts in RAM),
    // eight GPUs; each with what every device holds and the predicted speed.
    void otherMachines() {
        ModelPlanner p;
        p.setMemoryAvailable(16.0 * kGiB);
        p.setContextLength(8192);
        p.setPath(m_r1);
        QVERIFY(waitPlan(p));

        QVERIFY(replan(p, [&] { p.setDevices("cpu:512GiB"); }));
        QVERIFY(p.fits());
        QCOMPARE(p.strategy(), QStringLiteral("layers"));
        QCOMPARE(p.verdict(), QStringLiteral("Fits cpu:512GiB"));
        QVERIFY(p.strategyText().startsWith("Layer split"));
        QCOMPARE(p.deviceRows().size(), 1);
        const QVariantMap cpu = p.deviceRows()[0].toMap();
        QVERIFY2(cpu["holds"].toString().contains("layers 0-60"), qPrintable(cpu["holds"].toString()));
        QVERIFY2(cpu["usage"].toString().startsWith("weights 376.7 GiB + KV cache"), qPrintable(cpu["usage"].toString()));
        QVERIFY2(cpu["usage"].toString().endsWith("of 512.0 GiB"), qPrintable(cpu["usage"].toString()));
        QVERIFY(p.tokensPerSecond() > 1 && p.tokensPerSecond() < 20);
        QVERIFY2(p.speedText().startsWith("Predicted: at most "), qPrintable(p.speedText()));
        QVERIFY(p.planText().contains("strategy: layer split"));

        QVERIFY(replan(p, [&] { p.setDevices("cuda:24GiB+cpu:512GiB"); }));
        QVERIFY(p.fits());
        QCOMPARE(p.strategy(), QStringLiteral("hybrid"));
        QVERIFY(p.strategyText().startsWith("Hybrid"));
        QCOMPARE(p.deviceRows().size(), 2);
        QVERIFY(p.deviceRows()[1].toMap()["holds"].toString().contains("routed experts"));
        QVERIFY(p.deviceRows()[0].toMap()["usage"].toString().contains("working memory 1.0 GiB"));

        // A longer context: more KV cache, planned again.
        const QString kvBefore = p.kvText();
        QVERIFY(replan(p, [&] { p.setContextLength(32768); }));
        QVERIFY(p.kvText() != kvBefore);

        // A spec the engine refuses: its reason, no plan.
        QVERIFY(replan(p, [&] { p.setDevices("tpu:8GiB"); }));
        QVERIFY(!p.ready());
        QVERIFY2(p.error().contains("tpu"), qPrintable(p.error()));
        QCOMPARE(p.verdict(), QString());

        // Back to this computer.
        QVERIFY(replan(p, [&] { p.setDevices(""); }));
        QVERIFY(p.ready());
        QVERIFY(p.verdict().startsWith("Does not fit this computer"));
    }

    // What is free moves a little all the time: within the rounding nothing is planned again.
    void memoryJitterDoesNotReplan() {
        ModelPlanner p;
        p.setMemoryAvailable(16.0 * kGiB);
        p.setPath(m_r1);
        QVERIFY(waitPlan(p));
        QSignalSpy planned(&p, &ModelPlanner::planChanged);
        p.setMemoryAvailable(16.0 * kGiB + 50.0 * (1 << 20));
        QTest::qWait(100);
        QCOMPARE(planned.count(), 0);
        p.setMemoryAvailable(600.0 * kGiB);
        QVERIFY(planned.wait(10000));
        QVERIFY(p.fits());
        QCOMPARE(p.verdict(), QStringLiteral("Fits this computer"));
    }

    void tinyDeepseek2FitsHere() {
        const QString path = m_dir.filePath("tiny-ds.gguf");
        QString error;
        QVERIFY2(ponder::test::writeTinyDeepseek2(path, &error), qPrintable(error));
        ModelPlanner p;
        p.setMemoryAvailable(4.0 * kGiB);
        p.setContextLength(512);
        p.setPath(path);
        QVERIFY(waitPlan(p));
        QVERIFY2(p.fits(), qPrintable(p.error() + p.why()));
        QCOMPARE(p.verdict(), QStringLiteral("Fits this computer"));
        QVERIFY(p.kvText().contains("512 tokens"));
    }

    // A split deepseek2 model plans as the whole model, from any of its files; a file that
    // cannot be opened says so in the card's words. (R1's header is not split here: the split
    // writer copies the data, which the sparse file has 404 GB of.)
    void splitSetAndUnreadableFile() {
        const QString whole = m_dir.filePath("ds-whole.gguf");
        QString error;
        QVERIFY2(ponder::test::writeTinyDeepseek2(whole, &error), qPrintable(error));
        const QString first = m_dir.filePath("ds-00001-of-00003.gguf");
        QVERIFY2(ponder::test::splitModel(whole, first, 3, &error), qPrintable(error));
        ModelPlanner one, set;
        for (ModelPlanner* p : {&one, &set}) {
            p->setMemoryAvailable(4.0 * kGiB);
            p->setContextLength(512);
        }
        one.setPath(whole);
        set.setPath(m_dir.filePath("ds-00002-of-00003.gguf"));
        QVERIFY(waitPlan(one));
        QVERIFY(waitPlan(set));
        QVERIFY2(set.fits(), qPrintable(set.error()));
        QCOMPARE(set.modelText(), one.modelText());
        QCOMPARE(set.deviceRows(), one.deviceRows());

        QFile::remove(m_dir.filePath("ds-00002-of-00003.gguf"));
        ModelPlanner gone;
        gone.setPath(first);
        QVERIFY(waitPlan(gone));
        QVERIFY(!gone.ready());
        QVERIFY2(gone.error().contains("ds-00002-of-00003.gguf"), qPrintable(gone.error()));
    }

    void cleanupTestCase() {
        QVERIFY(m_dir.remove());  // the sparse header goes with the folder
        QVERIFY(!QFileInfo::exists(m_r1));
    }
};

QTEST_GUILESS_MAIN(TestModelPlan)
#include "test_model_plan.moc"
