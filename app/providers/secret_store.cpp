#include "providers/secret_store.h"

namespace ponder::app {

void MemorySecretStore::read(const QString& id, QObject* context, ReadDone done) {
    if (!context) return;
    auto it = m_secrets.constFind(id);
    if (it == m_secrets.cend()) done(Status::NotFound, {}, {});
    else done(Status::Ok, *it, {});
}

void MemorySecretStore::write(const QString& id, const QString& secret, QObject* context, Done done) {
    m_secrets.insert(id, secret);
    if (context) done(Status::Ok, {});
}

void MemorySecretStore::remove(const QString& id, QObject* context, Done done) {
    m_secrets.remove(id);
    if (context) done(Status::Ok, {});
}

} // namespace ponder::app
