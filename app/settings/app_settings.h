// User preferences that are not per model: theme, font size, the thinking panel's default, the
// send key. Stored with QSettings in an INI file inside the profile folder, so `--data-dir` gives
// a fully separate profile (tests rely on that).
#pragma once

#include <QObject>
#include <QSettings>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the application")
    // "system", "light" or "dark"
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
    // Point size of the chat text; 0 = the platform default.
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY changed)
    // "collapsed", "expanded" (while streaming, collapsed when done) or "hidden"
    Q_PROPERTY(QString thinkingPanel READ thinkingPanel WRITE setThinkingPanel NOTIFY changed)
    Q_PROPERTY(bool sendWithCtrlEnter READ sendWithCtrlEnter WRITE setSendWithCtrlEnter NOTIFY changed)
    Q_PROPERTY(QString dataDir READ dataDir CONSTANT)

public:
    AppSettings(const QString& iniPath, const QString& dataDir, QObject* parent = nullptr);

    QString theme() const;
    void setTheme(const QString& theme);
    int fontSize() const;
    void setFontSize(int points);
    QString thinkingPanel() const;
    void setThinkingPanel(const QString& mode);
    bool sendWithCtrlEnter() const;
    void setSendWithCtrlEnter(bool on);
    QString dataDir() const { return m_dataDir; }

    // Window geometry and other small state.
    Q_INVOKABLE QVariant value(const QString& key, const QVariant& fallback = {}) const;
    Q_INVOKABLE void setValue(const QString& key, const QVariant& value);

signals:
    void changed();

private:
    void set(const QString& key, const QVariant& value);
    mutable QSettings m_settings;
    QString m_dataDir;
};

} // namespace ponder::app
