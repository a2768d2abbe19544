#include "models/discovery.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <algorithm>

namespace ponder::app {

namespace {

const QString kOllamaModelMediaType = QStringLiteral("application/vnd.ollama.image.model");

// Vision projectors ship next to the language model as GGUF files of their own; they are not
// chat models, so listing them would only produce "unsupported architecture" cards.
bool isProjector(const QString& fileName) { return fileName.startsWith(QLatin1String("mmproj"), Qt::CaseInsensitive); }

bool isCandidateGguf(const QFileInfo& fi) {
    return fi.fileName().endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) && !isProjector(fi.fileName()) &&
           hasGgufMagic(fi.filePath());
}

// Where a found file is listed: a file of a split set stands for the whole set, listed once at
// its first file's path, whichever of its files were found (the first may be the missing one:
// then the set is listed with that problem rather than vanishing). `seen` holds the sets already
// listed.
bool claimEntry(const QFileInfo& fi, QSet<QString>& seen, QString& entryPath, QString& fileName) {
    entryPath = modelEntryPath(fi.absoluteFilePath());
    fileName = modelDisplayName(fi.absoluteFilePath());
    if (fileName == fi.fileName()) return true;  // not a split set's file: a model of its own
    if (seen.contains(entryPath)) return false;
    seen.insert(entryPath);
    return true;
}

QString resolved(const QString& path) {
    const QString c = QFileInfo(path).canonicalFilePath();
    return c.isEmpty() ? path : c;
}

void sortByPath(QList<FoundModel>& models) {
    std::sort(models.begin(), models.end(), [](const FoundModel& a, const FoundModel& b) { return a.path < b.path; });
}

// Files under `dir` at most `maxDepth` folders down, without following symlinked folders.
QList<QFileInfo> filesUnder(const QString& dir, int maxDepth) {
    QList<QFileInfo> out;
    const QDir d(dir);
    for (const QFileInfo& fi : d.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) out.append(fi);
    if (maxDepth <= 0) return out;
    for (const QFileInfo& sub : d.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name))
        out.append(filesUnder(sub.filePath(), maxDepth - 1));
    return out;
}

// "registry.ollama.ai/library/deepseek-r1/7b" -> "deepseek-r1:7b"; other namespaces and
// registries keep their prefix ("hf.co/bartowski/x:Q4_K_M").
QString ollamaName(const QStringList& parts) {
    if (parts.size() < 4) return parts.join(QLatin1Char('/'));
    const QString& host = parts[0];
    const QString& ns = parts[1];
    const QString modelTag = parts[2] + QLatin1Char(':') + parts[3];
    if (host == QLatin1String("registry.ollama.ai"))
        return ns == QLatin1String("library") ? modelTag : ns + QLatin1Char('/') + modelTag;
    return host + QLatin1Char('/') + ns + QLatin1Char('/') + modelTag;
}

} // namespace

bool hasGgufMagic(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    return f.read(4) == "GGUF";
}

QList<FoundModel> scanFolder(const QString& folder, ModelSource source, int maxDepth) {
    QList<FoundModel> out;
    QSet<QString> sets;
    for (const QFileInfo& fi : filesUnder(folder, maxDepth)) {
        QString path, name;
        if (isCandidateGguf(fi) && claimEntry(fi, sets, path, name)) out.append({path, name, source});
    }
    sortByPath(out);
    return out;
}

QList<FoundModel> discoverOllama(const QString& root) {
    const QString manifests = root + QLatin1String("/manifests");
    // blob path -> tag names pointing at it
    QMap<QString, QStringList> tagsByBlob;
    QDirIterator it(manifests, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString manifestPath = it.next();
        const QStringList parts = QDir(manifests).relativeFilePath(manifestPath).split(QLatin1Char('/'));
        QFile f(manifestPath);
        if (parts.size() != 4 || f.size() > (1 << 20) || !f.open(QIODevice::ReadOnly)) continue;
        const QJsonArray layers = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("layers")).toArray();
        for (const QJsonValue& layer : layers) {
            const QJsonObject o = layer.toObject();
            if (o.value(QLatin1String("mediaType")).toString() != kOllamaModelMediaType) continue;
            QString digest = o.value(QLatin1String("digest")).toString();  // "sha256:<hex>"
            digest.replace(QLatin1Char(':'), QLatin1Char('-'));
            if (digest.contains(QLatin1Char('/')) || digest.isEmpty()) continue;  // never leave blobs/
            const QString blob = root + QLatin1String("/blobs/") + digest;
            if (hasGgufMagic(blob)) tagsByBlob[blob].append(ollamaName(parts));
        }
    }
    QList<FoundModel> out;
    for (auto i = tagsByBlob.begin(); i != tagsByBlob.end(); ++i) {
        QStringList tags = i.value();
        // "latest" is an alias; name the entry after the specific tag when there is one.
        std::sort(tags.begin(), tags.end(), [](const QString& a, const QString& b) {
            const bool la = a.endsWith(QLatin1String(":latest")), lb = b.endsWith(QLatin1String(":latest"));
            return la != lb ? lb : a < b;
        });
        out.append({i.key(), tags.join(QLatin1String(", ")), ModelSource::Ollama});
    }
    sortByPath(out);
    return out;
}

QList<FoundModel> discoverLmStudio(const QString& root) {
    QList<FoundModel> out;
    const QDir base(root);
    // <publisher>/<repo>/file.gguf, or one folder deeper (a quant subfolder)
    QSet<QString> sets;
    for (const QFileInfo& fi : filesUnder(root, 3)) {
        if (!isCandidateGguf(fi)) continue;
        const QStringList parts = base.relativeFilePath(fi.filePath()).split(QLatin1Char('/'));
        QString path, name;
        if (parts.size() < 3 || !claimEntry(fi, sets, path, name)) continue;
        out.append({path, parts[0] + QLatin1Char('/') + parts[1] + QStringLiteral(" · ") + name, ModelSource::LmStudio});
    }
    sortByPath(out);
    return out;
}

QList<FoundModel> discoverHuggingFace(const QString& hubCache) {
    QList<FoundModel> out;
    QSet<QString> seenBlobs, sets;
    const QDir hub(hubCache);
    for (const QFileInfo& repo : hub.entryInfoList({QStringLiteral("models--*")}, QDir::Dirs, QDir::Name)) {
        // models--<org>--<name>: "--" separates; org and name never contain it.
        QString repoId = repo.fileName().mid(8);
        repoId.replace(QLatin1String("--"), QLatin1String("/"));
        const QString snapshots = repo.filePath() + QLatin1String("/snapshots");
        const QDir snapDir(snapshots);
        for (const QFileInfo& rev : snapDir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            // Snapshot entries are symlinks to files in blobs/; folders are real. Follow the
            // file links (isCandidateGguf reads through them), never folder links.
            for (const QFileInfo& fi : filesUnder(rev.filePath(), 4)) {
                if (!isCandidateGguf(fi)) continue;
                // A split set is one entry per revision folder (its files must sit together);
                // the same set in another revision is the same blobs: keyed by its first file's.
                QString path, name;
                if (!claimEntry(fi, sets, path, name)) continue;
                const QString blob = resolved(path);
                if (seenBlobs.contains(blob)) continue;
                seenBlobs.insert(blob);
                out.append({path, repoId + QStringLiteral(" · ") + name, ModelSource::HuggingFace});
            }
        }
    }
    sortByPath(out);
    return out;
}

DiscoveryRoots DiscoveryRoots::fromEnvironment(const QString& home, const QProcessEnvironment& env) {
    DiscoveryRoots r;
    r.ollama = env.value(QStringLiteral("OLLAMA_MODELS"));
    if (r.ollama.isEmpty()) r.ollama = home + QLatin1String("/.ollama/models");
    r.lmStudio = {home + QLatin1String("/.lmstudio/models"), home + QLatin1String("/.cache/lm-studio/models")};
    r.huggingFace = env.value(QStringLiteral("HF_HUB_CACHE"));
    if (r.huggingFace.isEmpty()) {
        QString hfHome = env.value(QStringLiteral("HF_HOME"));
        if (hfHome.isEmpty()) hfHome = home + QLatin1String("/.cache/huggingface");
        r.huggingFace = hfHome + QLatin1String("/hub");
    }
    return r;
}

DiscoveryRoots DiscoveryRoots::forThisUser() {
    return fromEnvironment(QDir::homePath(), QProcessEnvironment::systemEnvironment());
}

QList<FoundModel> discoverAll(const DiscoveryRoots& roots) {
    QList<FoundModel> all = discoverOllama(roots.ollama);
    for (const QString& lm : roots.lmStudio) all.append(discoverLmStudio(lm));
    all.append(discoverHuggingFace(roots.huggingFace));
    QList<FoundModel> out;
    QSet<QString> seen;
    for (const FoundModel& m : all) {
        const QString key = resolved(m.path);
        if (seen.contains(key)) continue;
        seen.insert(key);
        out.append(m);
    }
    return out;
}

} // namespace ponder::app
