#include "chat/worker_database.h"

#include <QtGlobal>

namespace ponder::app {

std::unique_ptr<ponder::StreamingWriter> WorkerDatabase::writerFor(qint64 messageId) {
    if (messageId <= 0) return nullptr;
    if (!m_db && !m_path.isEmpty()) {
        std::string why;
        m_db = ponder::Database::open(m_path.toStdString(), why);
        if (!m_db) {
            qWarning("ponder: answers cannot be saved: %s", why.c_str());
            return nullptr;
        }
    }
    return m_db ? std::make_unique<ponder::StreamingWriter>(*m_db, messageId) : nullptr;
}

void raiseStopCutoff(std::atomic<quint64>& cutoff, quint64 id) {
    quint64 below = cutoff.load();
    while (id > below && !cutoff.compare_exchange_weak(below, id)) {
    }
}

} // namespace ponder::app
