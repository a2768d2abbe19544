#include "settings/app_settings.h"

#include <QGuiApplication>
#include <QPalette>
#include <cstdlib>

namespace ponder::app {

namespace {
const QStringList kThemes = {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};
const QStringList kThinkingModes = {QStringLiteral("collapsed"), QStringLiteral("expanded"), QStringLiteral("hidden")};
} // namespace

AppSettings::AppSettings(const QString& iniPath, const QString& dataDir, QObject* parent)
    : QObject(parent), m_settings(iniPath, QSettings::IniFormat), m_dataDir(dataDir) {}

QString AppSettings::theme() const {
    QString t = m_settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    return kThemes.contains(t) ? t : QStringLiteral("system");
}
void AppSettings::setTheme(const QString& theme) {
    if (kThemes.contains(theme) && theme != this->theme()) set(QStringLiteral("ui/theme"), theme);
}

bool AppSettings::darkTheme() const {
    const QString t = theme();
    if (t != QLatin1String("system")) return t == QLatin1String("dark");
    // Qt 6.4 has no colour-scheme hint; the desktop's palette says it (as Material.System reads it).
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

QList<int> AppSettings::textSizes() { return {0, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24}; }

namespace {
// The offered size nearest to `points` (0 stays the default).
int nearestTextSize(int points) {
    if (points <= 0) return 0;
    int best = AppSettings::textSizes().at(1);
    for (int s : AppSettings::textSizes())
        if (s > 0 && std::abs(s - points) < std::abs(best - points)) best = s;
    return best;
}
} // namespace

int AppSettings::fontSize() const { return nearestTextSize(m_settings.value(QStringLiteral("ui/fontSize"), 0).toInt()); }
void AppSettings::setFontSize(int points) {
    points = nearestTextSize(points);
    if (points != fontSize()) set(QStringLiteral("ui/fontSize"), points);
}

bool AppSettings::tabInsertsTab() const { return m_settings.value(QStringLiteral("chat/tabInsertsTab"), false).toBool(); }
void AppSettings::setTabInsertsTab(bool on) {
    if (on != tabInsertsTab()) set(QStringLiteral("chat/tabInsertsTab"), on);
}

QString AppSettings::thinkingPanel() const {
    QString m = m_settings.value(QStringLiteral("chat/thinkingPanel"), QStringLiteral("expanded")).toString();
    return kThinkingModes.contains(m) ? m : QStringLiteral("expanded");
}
void AppSettings::setThinkingPanel(const QString& mode) {
    if (kThinkingModes.contains(mode) && mode != thinkingPanel()) set(QStringLiteral("chat/thinkingPanel"), mode);
}

bool AppSettings::sendWithCtrlEnter() const { return m_settings.value(QStringLiteral("chat/sendWithCtrlEnter"), false).toBool(); }
void AppSettings::setSendWithCtrlEnter(bool on) {
    if (on != sendWithCtrlEnter()) set(QStringLiteral("chat/sendWithCtrlEnter"), on);
}

QVariant AppSettings::value(const QString& key, const QVariant& fallback) const {
    return m_settings.value(QStringLiteral("state/") + key, fallback);
}
void AppSettings::setValue(const QString& key, const QVariant& value) { m_settings.setValue(QStringLiteral("state/") + key, value); }

void AppSettings::set(const QString& key, const QVariant& value) {
    m_settings.setValue(key, value);
    m_settings.sync();
    emit changed();
}

} // namespace ponder::app
