#include "providers/keychain_secret_store.h"

#include <qt6keychain/keychain.h>

namespace ponder::app {

using namespace QKeychain;

KeychainSecretStore::KeychainSecretStore(const QString& service, QObject* parent)
    : SecretStore(parent), m_service(service) {}

bool KeychainSecretStore::fellBack(const Job* job) {
    const Error e = job->error();
    if (e == NoError || e == EntryNotFound) {
        m_answered = true;
        return false;
    }
    // Without a Secret Service or KWallet on the session bus, QtKeychain says NoBackendAvailable
    // or, on Debian's build without a D-Bus session, OtherError ("Unknown error"). Once the
    // keychain has answered, a failure is a real one (locked, refused) and is reported.
    const bool absent = e == NoBackendAvailable || e == NotImplemented || (e == OtherError && !m_answered);
    if (!absent) return false;
    if (!m_sessionOnly) {
        qInfo("ponder: no system keychain (%s); API keys are kept for this session only",
              qPrintable(job->errorString()));
        m_sessionOnly = true;
        emit persistentChanged();
    }
    return true;
}

void KeychainSecretStore::read(const QString& id, QObject* context, ReadDone done) {
    if (m_sessionOnly) return m_memory.read(id, context, std::move(done));
    auto* job = new ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(id);
    connect(job, &Job::finished, context, [this, job, id, context, done = std::move(done)] {
        if (fellBack(job)) return m_memory.read(id, context, done);
        if (job->error() == EntryNotFound) return done(Status::NotFound, {}, {});
        if (job->error() != NoError) return done(Status::Failed, {}, job->errorString());
        done(Status::Ok, job->textData(), {});
    });
    job->start();
}

void KeychainSecretStore::write(const QString& id, const QString& secret, QObject* context, Done done) {
    if (m_sessionOnly) return m_memory.write(id, secret, context, std::move(done));
    auto* job = new WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(id);
    job->setTextData(secret);
    // The secret is needed again only on fallback; it lives in the lambda until the job ends.
    connect(job, &Job::finished, context, [this, job, id, secret, context, done = std::move(done)] {
        if (fellBack(job)) return m_memory.write(id, secret, context, done);
        if (job->error() != NoError) return done(Status::Failed, job->errorString());
        done(Status::Ok, {});
    });
    job->start();
}

void KeychainSecretStore::remove(const QString& id, QObject* context, Done done) {
    m_memory.remove(id, this, [](Status, const QString&) {});  // a session-only copy goes too
    if (m_sessionOnly) {
        if (context) done(Status::Ok, {});
        return;
    }
    auto* job = new DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(id);
    connect(job, &Job::finished, context, [this, job, done = std::move(done)] {
        if (fellBack(job) || job->error() == NoError || job->error() == EntryNotFound) return done(Status::Ok, {});
        done(Status::Failed, job->errorString());
    });
    job->start();
}

} // namespace ponder::app
