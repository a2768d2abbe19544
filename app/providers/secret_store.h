// Where API keys are kept: the system keychain (KeychainSecretStore) or, for tests and machines
// without a keychain service, this process's memory. Never the INI file, the database or a log.
//
// Operations are asynchronous (a keychain may ask the user to unlock it); `done` runs on the
// caller's thread, possibly before the call returns, and not at all once `context` is destroyed.
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>

namespace ponder::app {

class SecretStore : public QObject {
    Q_OBJECT
public:
    enum class Status { Ok, NotFound, Failed };
    using ReadDone = std::function<void(Status status, const QString& secret, const QString& error)>;
    using Done = std::function<void(Status status, const QString& error)>;

    using QObject::QObject;

    virtual void read(const QString& id, QObject* context, ReadDone done) = 0;
    virtual void write(const QString& id, const QString& secret, QObject* context, Done done) = 0;
    // Removing an absent entry is not an error.
    virtual void remove(const QString& id, QObject* context, Done done) = 0;
    // True when secrets outlive the process; false: kept for this session only.
    virtual bool persistent() const = 0;

signals:
    // The store found out that secrets cannot be kept beyond this session (no keychain service).
    void persistentChanged();
};

// Secrets in this process's memory: the tests' store and the keychain's fallback.
class MemorySecretStore : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& id, QObject* context, ReadDone done) override;
    void write(const QString& id, const QString& secret, QObject* context, Done done) override;
    void remove(const QString& id, QObject* context, Done done) override;
    bool persistent() const override { return false; }
    int count() const { return static_cast<int>(m_secrets.size()); }

private:
    QHash<QString, QString> m_secrets;
};

} // namespace ponder::app
