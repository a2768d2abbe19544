#include "settings/app_settings.h"

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

int AppSettings::fontSize() const {
    int pt = m_settings.value(QStringLiteral("ui/fontSize"), 0).toInt();
    return pt == 0 ? 0 : qBound(8, pt, 32);
}
void AppSettings::setFontSize(int points) {
    points = points == 0 ? 0 : qBound(8, points, 32);
    if (points != fontSize()) set(QStringLiteral("ui/fontSize"), points);
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
