// The remote-provider client (RemoteChat) against the scripted server: every way a server
// streams, fails, stalls or breaks, and what the user gets from each.
#include "remote/remote_chat.h"
#include "scripted_server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>
#include "../ci_skip.h"

using namespace ponder::remote;

namespace {
const QString kKey = QStringLiteral("sk-test-secret-1234");

struct Result {
    QString reasoning, answer;
    RemoteOutcome outcome;
    int retrySignals = 0;
};
} // namespace

class TestRemoteChat : public QObject {
    Q_OBJECT

    ponder::testing::ScriptedServer server;
    QNetworkAccessManager network;

    RemoteEndpoint endpoint(const QString& base = {}) const {
        RemoteEndpoint e;
        e.presetId = QStringLiteral("deepseek");
        e.providerName = QStringLiteral("DeepSeek");
        e.baseUrl = base.isEmpty() ? server.baseUrl() : base;
        e.apiKey = kKey;
        return e;
    }

    Result run(const QString& model, RemoteOptions options = {}, RemoteEndpoint ep = {},
               const std::function<void(RemoteChat&)>& onFirstText = {}, QNetworkAccessManager* manager = nullptr) {
        if (ep.baseUrl.isEmpty()) ep = endpoint();
        RemoteChat chat(manager ? manager : &network);
        chat.setOptions(options);
        Result r;
        bool first = true;
        auto firstText = [&] {
            if (first && onFirstText) onFirstText(chat);
            first = false;
        };
        connect(&chat, &RemoteChat::reasoningDelta, this, [&](const QString& t) { r.reasoning += t; firstText(); });
        connect(&chat, &RemoteChat::answerDelta, this, [&](const QString& t) { r.answer += t; firstText(); });
        connect(&chat, &RemoteChat::retrying, this, [&] { ++r.retrySignals; });
        QSignalSpy done(&chat, &RemoteChat::finished);
        ChatRequestSpec spec;
        spec.preset_id = ep.presetId.toStdString();
        spec.model = model.toStdString();
        spec.messages = {{"user", "What is 2 + 3?"}};
        spec.sampling.temperature = 0.6;
        spec.sampling.top_p = 0.95;
        chat.start(ep, spec);
        if (!done.wait(20000)) qFatal("no finished() for %s", qPrintable(model));
        r.outcome = done.at(0).at(0).value<RemoteOutcome>();
        if (!r.outcome.error.isEmpty()) qInfo("%s -> %s", qPrintable(model), qPrintable(r.outcome.error));
        // The key never leaks into what the user or a log sees.
        if (r.outcome.error.contains(kKey) || r.reasoning.contains(kKey) || r.answer.contains(kKey)) qFatal("key leaked");
        return r;
    }

    void expectFive(const Result& r) {
        QCOMPARE(r.outcome.error, QString());
        QCOMPARE(r.outcome.reason, QStringLiteral("stop"));
        QCOMPARE(r.reasoning.trimmed(), QStringLiteral("Let me add 2 and 3."));
        QCOMPARE(r.answer, QStringLiteral("The answer is \\boxed{5}."));
        QVERIFY(r.outcome.receivedText);
        QVERIFY(r.outcome.firstTokenMs >= 0);
    }

private slots:
    void initTestCase() { QVERIFY(server.listen()); }
    void init() { server.reset(); }

    void deepseekStreamsReasoningThenAnswer() {
        Result r = run(QStringLiteral("deepseek-reasoner"));
        expectFive(r);
        QCOMPARE(r.outcome.usage.prompt_tokens, 12);
        QCOMPARE(r.outcome.usage.completion_tokens, 9);
        QCOMPARE(r.outcome.usage.reasoning_tokens, 4);
        QCOMPARE(server.requests().size(), 1);
        const auto& req = server.requests().first();
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(req.headers.value("authorization"), "Bearer " + kKey.toUtf8());
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(body.value("stream").toBool(), true);
        QVERIFY(body.value("stream_options").toObject().value("include_usage").toBool());
        // deepseek-reasoner ignores sampling and rejects some of it: nothing is sent.
        QVERIFY(!body.contains("temperature"));
        QVERIFY(!body.contains("top_p"));
    }

    void otherServersGetSampling() {
        RemoteEndpoint ep = endpoint(server.baseUrl() + QStringLiteral("/v1/"));
        ep.presetId = QStringLiteral("vllm");
        expectFive(run(QStringLiteral("deepseek-reasoner"), {}, ep));
        const auto& req = server.requests().first();
        QCOMPARE(req.path, QByteArray("/v1/chat/completions"));  // a trailing /v1/ is not doubled
        const QJsonObject body = QJsonDocument::fromJson(req.body).object();
        QCOMPARE(body.value("temperature").toDouble(), 0.6);
        QCOMPARE(body.value("top_p").toDouble(), 0.95);
    }

    void connectionReusedAfterDone() {
        QNetworkAccessManager fresh;  // no connections left over from other tests
        expectFive(run(QStringLiteral("reuse"), {}, {}, {}, &fresh));
        QTest::qWait(300);  // the next message comes later than the body's end
        expectFive(run(QStringLiteral("reuse"), {}, {}, {}, &fresh));
        QCOMPARE(server.requests().size(), 2);
        QCOMPARE(server.connections(), 1);  // no new TCP (and TLS) handshake per message
    }

    void reasoningField() { expectFive(run(QStringLiteral("reasoning-field"))); }

    void inlineThinkAfterTemplateOpenedIt() { expectFive(run(QStringLiteral("inline-think"))); }

    void inlineThinkOpenedByTheModel() {
        expectFive(run(QStringLiteral("inline-open-think")));
        RemoteOptions o;
        o.inlineThinkOpen = false;  // also right when the model name did not suggest a reasoner
        expectFive(run(QStringLiteral("inline-open-think"), o));
    }

    void keepAlivesAndCrlf() { expectFive(run(QStringLiteral("keepalive"))); }

    void serverIgnoringStream() { expectFive(run(QStringLiteral("no-stream"))); }

    void httpErrorsAreReadable_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("words");
        QTest::newRow("401") << "unauthorized" << 401 << "refused the API key";
        QTest::newRow("402") << "no-balance" << 402 << "balance is insufficient";
        QTest::newRow("400") << "bad-request" << 400 << "reasoning_content field is not allowed";
        QTest::newRow("422") << "unprocessable" << 422 << "valid range of max_tokens";
        QTest::newRow("500") << "server-error" << 500 << "internal error";
        QTest::newRow("404") << "no-such-model" << 404 << "does not exist";
    }
    void httpErrorsAreReadable() {
        QFETCH(QString, model);
        QFETCH(int, status);
        QFETCH(QString, words);
        Result r = run(model);
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QCOMPARE(r.outcome.httpStatus, status);
        QVERIFY2(r.outcome.error.contains(words), qPrintable(r.outcome.error));
        QVERIFY2(r.outcome.error.startsWith(QStringLiteral("DeepSeek")) || status == 413, qPrintable(r.outcome.error));
        QCOMPARE(server.count(model.toUtf8()), 1);  // not retried
    }

    void redirectsAreNotFollowed() {
        Result r = run(QStringLiteral("redirect"));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QCOMPARE(r.outcome.httpStatus, 307);
        QVERIFY2(r.outcome.error.contains(QStringLiteral("redirects to https://elsewhere.example")), qPrintable(r.outcome.error));
        QCOMPARE(server.requests().size(), 1);
    }

    void rateLimitHonoursRetryAfter() {
        QElapsedTimer t;
        t.start();
        Result r = run(QStringLiteral("rate-limited"));
        expectFive(r);
        QCOMPARE(r.outcome.retries, 2);
        QCOMPARE(r.retrySignals, 2);
        QVERIFY2(t.elapsed() >= 1900, "Retry-After: 1 waited for twice");
        QCOMPARE(server.count("rate-limited"), 3);
    }

    void rateLimitGivesUpAfterBoundedRetries() {
        RemoteOptions o;
        o.maxRetries = 1;
        Result r = run(QStringLiteral("always-429"), o);
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QCOMPARE(r.outcome.httpStatus, 429);
        QVERIFY2(r.outcome.error.contains(QStringLiteral("rate limiting")), qPrintable(r.outcome.error));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("Tried 2 times")), qPrintable(r.outcome.error));
        QCOMPARE(server.count("always-429"), 2);
    }

    void retryAfterLongerThanAllowedIsReported() {
        RemoteOptions o;
        o.maxRetryWaitS = 0;
        Result r = run(QStringLiteral("always-429"), o);
        QVERIFY2(r.outcome.error.contains(QStringLiteral("wait 1 s")), qPrintable(r.outcome.error));
        QCOMPARE(server.count("always-429"), 1);
    }

    void streamCutKeepsThePartialAnswer() {
        Result r = run(QStringLiteral("cut"));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("lost in the middle")), qPrintable(r.outcome.error));
        QCOMPARE(r.reasoning, QStringLiteral("Let me add 2 and 3."));
    }

    void idleTimeout() {
        RemoteOptions o;
        o.idleTimeoutMs = 300;
        Result r = run(QStringLiteral("slow"), o);
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("stopped sending")), qPrintable(r.outcome.error));
        QCOMPARE(r.reasoning, QStringLiteral("Let me add "));
    }

    void connectTimeout() {
        RemoteOptions o;
        o.connectTimeoutMs = 300;
        Result r = run(QStringLiteral("no-headers"), o);
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("did not answer within")), qPrintable(r.outcome.error));
    }

    void headersStartTheLongerIdleTimeout() {
        RemoteOptions o;
        o.connectTimeoutMs = 300;  // shorter than the server's silence after its headers
        o.idleTimeoutMs = 5000;
        expectFive(run(QStringLiteral("headers-then-think"), o));
    }

    void emptyAnswer() {
        Result r = run(QStringLiteral("empty-200"));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("sent an empty answer")), qPrintable(r.outcome.error));
    }

    void malformedChunk() {
        Result r = run(QStringLiteral("malformed"));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("DeepSeek sent a malformed chunk")), qPrintable(r.outcome.error));
        QCOMPARE(r.reasoning, QStringLiteral("Let me add "));
    }

    void errorInsideTheStream() {
        Result r = run(QStringLiteral("stream-error"));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("The model crashed")), qPrintable(r.outcome.error));
    }

    void cancelKeepsWhatArrived() {
        Result r = run(QStringLiteral("slow"), {}, {}, [](RemoteChat& chat) { chat.cancel(); });
        QCOMPARE(r.outcome.reason, QStringLiteral("cancelled"));
        QCOMPARE(r.outcome.error, QString());
        QCOMPARE(r.reasoning, QStringLiteral("Let me add "));
    }

    void connectionRefused() {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        Result r = run(QStringLiteral("deepseek-reasoner"), {}, endpoint(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("connection refused")), qPrintable(r.outcome.error));
    }

    void tlsFailureIsReported() {
        if (!QSslSocket::supportsSsl()) PONDER_QSKIP("Qt has no TLS backend here");
        // Something that is not a TLS server: the handshake fails, and nothing is accepted anyway.
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost));
        connect(&plain, &QTcpServer::newConnection, this, [&plain] {
            QTcpSocket* s = plain.nextPendingConnection();
            s->write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nnot tls\r\n");
            s->disconnectFromHost();
        });
        Result r = run(QStringLiteral("deepseek-reasoner"), {}, endpoint(QStringLiteral("https://127.0.0.1:%1").arg(plain.serverPort())));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("secure connection")) || r.outcome.error.contains(QStringLiteral("SSL")),
                 qPrintable(r.outcome.error));
    }

    void plainHttpToPublicHostIsRefusedWithoutSending() {
        Result r = run(QStringLiteral("deepseek-reasoner"), {}, endpoint(QStringLiteral("http://api.example.com")));
        QCOMPARE(r.outcome.reason, QStringLiteral("error"));
        QVERIFY2(r.outcome.error.contains(QStringLiteral("https://")), qPrintable(r.outcome.error));
        QCOMPARE(server.requests().size(), 0);
    }

    void endpointRules() {
        auto t = [](const char* url) { return transport_for(QUrl(QString::fromLatin1(url))); };
        QCOMPARE(t("https://api.deepseek.com"), Transport::Https);
        QCOMPARE(t("http://localhost:8000/v1"), Transport::PlainLoopback);
        QCOMPARE(t("http://127.0.0.1:8000"), Transport::PlainLoopback);
        QCOMPARE(t("http://[::1]:8000"), Transport::PlainLoopback);
        QCOMPARE(t("http://192.168.1.20:8000"), Transport::PlainLan);
        QCOMPARE(t("http://10.0.0.7"), Transport::PlainLan);
        QCOMPARE(t("http://172.20.1.1"), Transport::PlainLan);
        QCOMPARE(t("http://172.32.1.1"), Transport::PlainPublic);
        QCOMPARE(t("http://gpubox:30000"), Transport::PlainLan);
        QCOMPARE(t("http://gpubox.local:30000"), Transport::PlainLan);
        QCOMPARE(t("http://[fd00::5]:8000"), Transport::PlainLan);
        QCOMPARE(t("http://8.8.8.8"), Transport::PlainPublic);
        QCOMPARE(t("http://0.0.0.0:8000"), Transport::PlainLoopback);  // what uvicorn prints
        QCOMPARE(t("http://vllm.example.com"), Transport::PlainPublic);
        QCOMPARE(t("ftp://example.com"), Transport::Invalid);
        QCOMPARE(t(""), Transport::Invalid);

        RemoteEndpoint e;
        e.baseUrl = QStringLiteral("https://api.deepseek.com");
        QCOMPARE(e.url(QStringLiteral("chat/completions")).toString(), QStringLiteral("https://api.deepseek.com/v1/chat/completions"));
        e.baseUrl = QStringLiteral("https://api.deepseek.com/v1/");
        QCOMPARE(e.url(QStringLiteral("models")).toString(), QStringLiteral("https://api.deepseek.com/v1/models"));
        e.baseUrl = QStringLiteral("https://gateway.example/api/v3");
        QCOMPARE(e.url(QStringLiteral("models")).toString(), QStringLiteral("https://gateway.example/api/v3/models"));
        e.baseUrl = QStringLiteral("https://generativelanguage.googleapis.com/v1beta/openai/");
        QCOMPARE(e.url(QStringLiteral("chat/completions")).toString(),
                 QStringLiteral("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"));
        e.baseUrl = QStringLiteral("https://gw.example?api-version=2");
        QCOMPARE(e.url(QStringLiteral("models")).toString(), QStringLiteral("https://gw.example/v1/models?api-version=2"));
        QVERIFY(e.check().isEmpty());
        QVERIFY(e.warning().isEmpty());
        e.baseUrl = QStringLiteral("http://192.168.1.20:8000/v1");
        QVERIFY(e.check().isEmpty());
        QVERIFY(e.warning().contains(QStringLiteral("Unencrypted")));
        e.baseUrl = QStringLiteral("http://vllm.example.com/v1");
        QVERIFY(!e.check().isEmpty());
        e.baseUrl = QString();
        QVERIFY(!e.check().isEmpty());
    }

    void localHttpNeverGoesThroughAProxy() {
        // A proxy would carry the key and the conversation off the local network in clear.
        QNetworkAccessManager fresh;
        RemoteChat chat(&fresh);
        QNetworkProxyFactory* factory = fresh.proxyFactory();
        QVERIFY(factory);
        for (const char* url : {"http://192.168.1.5:8000/v1/chat/completions", "http://localhost:8000/v1/models",
                                "http://gpubox:30000/v1/chat/completions", "http://0.0.0.0:8000/v1/models"}) {
            const QList<QNetworkProxy> proxies = factory->queryProxy(QNetworkProxyQuery(QUrl(QString::fromLatin1(url))));
            QVERIFY2(proxies.size() == 1 && proxies[0].type() == QNetworkProxy::NoProxy, url);
        }
        // https keeps the system's proxy settings (TLS goes through it end to end).
        qputenv("https_proxy", "http://127.0.0.1:3128");
        const QList<QNetworkProxy> viaProxy = factory->queryProxy(QNetworkProxyQuery(QUrl(QStringLiteral("https://api.deepseek.com/v1/models"))));
        qunsetenv("https_proxy");
        QVERIFY(!viaProxy.isEmpty());
        QCOMPARE(viaProxy[0].type(), QNetworkProxy::HttpProxy);
        QCOMPARE(viaProxy[0].port(), 3128);
    }

    void modelList() {
        RemoteModelList list(&network);
        QSignalSpy done(&list, &RemoteModelList::finished);
        list.fetch(endpoint());
        QVERIFY(done.wait(10000));
        const QStringList models = done.at(0).at(0).toStringList();
        QVERIFY2(done.at(0).at(1).toString().isEmpty(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY(models.contains(QStringLiteral("deepseek-reasoner")));
        QCOMPARE(server.requests().first().path, QByteArray("/v1/models"));
        QString error;
        QCOMPARE(parse_model_list(R"({"models":[{"name":"deepseek-r1:7b"}]})", &error), QStringList{"deepseek-r1:7b"});
        QVERIFY(parse_model_list("<html>", &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRemoteChat)
#include "test_remote_chat.moc"
