#include "models/file_hash.h"

#include <QCryptographicHash>
#include <QFile>

namespace ponder::app {

QString sha256OfFile(const QString& path, const std::function<bool(qint64, qint64)>& progress, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = f.errorString();
        return {};
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 total = f.size();
    constexpr qint64 kChunk = 4 << 20;
    QByteArray buffer(kChunk, Qt::Uninitialized);
    qint64 done = 0;
    for (;;) {
        const qint64 n = f.read(buffer.data(), kChunk);
        if (n < 0) {
            if (error) *error = f.errorString();
            return {};
        }
        if (n == 0) break;
        hash.addData(QByteArrayView(buffer.constData(), n));
        done += n;
        if (progress && !progress(done, total)) return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace ponder::app
