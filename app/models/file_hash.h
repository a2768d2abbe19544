// SHA-256 of a file, streamed in chunks (model files are many GB). Blocking: run it on a worker.
#pragma once

#include <QString>

#include <functional>

namespace ponder::app {

// `progress(done, total)` is called after each chunk; returning false stops the hash (the result
// is then empty). Empty result + `error` set when the file cannot be read.
QString sha256OfFile(const QString& path, const std::function<bool(qint64 done, qint64 total)>& progress,
                     QString* error = nullptr);

} // namespace ponder::app
