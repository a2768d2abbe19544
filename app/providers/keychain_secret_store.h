// API keys in the system keychain through QtKeychain (Secret Service / KWallet on Linux, the
// macOS Keychain, Windows' credential store): service "Ponder", one entry per provider id.
//
// Headless machines and CI often run no keychain service. The first operation that fails for
// that reason switches this store to memory for the rest of the session and says so
// (persistent() turns false), rather than failing every save; the insecure plain-text fallback
// QtKeychain offers is never enabled.
#pragma once

#include "providers/secret_store.h"

namespace QKeychain {
class Job;
}

namespace ponder::app {

class KeychainSecretStore : public SecretStore {
    Q_OBJECT
public:
    explicit KeychainSecretStore(const QString& service = QStringLiteral("Ponder"), QObject* parent = nullptr);

    void read(const QString& id, QObject* context, ReadDone done) override;
    void write(const QString& id, const QString& secret, QObject* context, Done done) override;
    void remove(const QString& id, QObject* context, Done done) override;
    bool persistent() const override { return !m_sessionOnly; }

private:
    // True (and the store switched to memory) when `job` failed because no keychain is there.
    bool fellBack(const QKeychain::Job* job);

    QString m_service;
    bool m_answered = false;     // the keychain has answered once: later failures are real errors
    bool m_sessionOnly = false;  // no keychain service: m_memory holds the keys
    MemorySecretStore m_memory;
};

} // namespace ponder::app
