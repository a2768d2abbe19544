#include "chat/thinking_curve.h"

#include "eval/scaling_plot.h"

#include <QFile>
#include <QFileInfo>
#include <QVariantMap>

namespace ponder::app {

namespace {
// Read and parsed on the GUI thread: a curve is a few kilobytes, so anything much larger is not
// one and is refused before it could stall the window.
constexpr qint64 kMaxFileBytes = 16ll << 20;
} // namespace

ThinkingCurve::ThinkingCurve(QObject* parent) : QObject(parent) {}

bool ThinkingCurve::fail(const QString& why) {
    m_error = why;
    m_imageUrl.clear();
    m_points.clear();
    m_title.clear();
    emit changed();
    return false;
}

bool ThinkingCurve::load(const QUrl& url) {
    const QString path = url.isLocalFile() ? url.toLocalFile() : url.toString();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return fail(tr("Cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileBytes) return fail(tr("%1 is too large to be a thinking curve (ponder-cli eval --think-budgets ... --json writes a few kilobytes).").arg(path));
    const QByteArray bytes = file.readAll();
    const nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("curve"))
        return fail(tr("%1 has no thinking curve. Write one with: ponder-cli eval --suite FILE --think-budgets 0,256,1024,unlimited --json")
                        .arg(QFileInfo(path).fileName()));
    std::vector<eval::CurvePoint> curve;
    std::string why;
    if (!eval::curve_from_json(j["curve"], curve, why)) return fail(QString::fromStdString(why));
    const std::string suite = j.contains("suite") && j["suite"].is_string() ? j["suite"].get<std::string>()
                                                                           : QFileInfo(path).fileName().toStdString();
    const int n = j.contains("n") && j["n"].is_number_integer() ? j["n"].get<int>() : 0;
    const std::string title = eval::curve_title(suite, n);
    if (!m_dir.isValid()) return fail(tr("No temporary folder for the plot: %1").arg(m_dir.errorString()));
    QFile svg(m_dir.filePath(QStringLiteral("curve-%1.svg").arg(++m_count)));
    const std::string text = eval::curve_svg(curve, title);
    if (!svg.open(QIODevice::WriteOnly) || svg.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()))
        return fail(tr("Cannot write the plot: %1").arg(svg.errorString()));
    svg.close();
    m_error.clear();
    m_title = QString::fromStdString(title);
    m_imageUrl = QUrl::fromLocalFile(svg.fileName());
    m_points.clear();
    for (const eval::CurvePoint& p : curve)
        m_points.push_back(QVariantMap{{"budget", QString::fromStdString(eval::budget_name(p.think_budget))},
                                       {"accuracy", QStringLiteral("%1 %").arg(100.0 * p.pass_at_1, 0, 'f', 1)},
                                       {"tokens", QString::number(qRound(p.mean_reasoning_tokens))}});
    emit changed();
    return true;
}

} // namespace ponder::app
