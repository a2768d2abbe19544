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
    // Whether the dark palette is in use: "dark", or "system" on a desktop with a dark palette.
    Q_PROPERTY(bool darkTheme READ darkTheme NOTIFY changed)
    // Text size in points (messages and interface); 0 = the default. Always one of textSizes.
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY changed)
    // The sizes offered, smallest first, 0 (the default) first of all: the Settings control
    // steps through these, so it can never show a size that is not applied.
    Q_PROPERTY(QList<int> textSizes READ textSizes CONSTANT)
    // Tab in the composer and the message editor inserts a tab instead of moving the focus.
    Q_PROPERTY(bool tabInsertsTab READ tabInsertsTab WRITE setTabInsertsTab NOTIFY changed)
    // "collapsed", "expanded" (while streaming, collapsed when done) or "hidden"
    Q_PROPERTY(QString thinkingPanel READ thinkingPanel WRITE setThinkingPanel NOTIFY changed)
    Q_PROPERTY(bool sendWithCtrlEnter READ sendWithCtrlEnter WRITE setSendWithCtrlEnter NOTIFY changed)
    Q_PROPERTY(QString dataDir READ dataDir CONSTANT)

public:
    AppSettings(const QString& iniPath, const QString& dataDir, QObject* parent = nullptr);

    QString theme() const;
    void setTheme(const QString& theme);
    bool darkTheme() const;
    int fontSize() const;
    void setFontSize(int points);
    static QList<int> textSizes();
    bool tabInsertsTab() const;
    void setTabInsertsTab(bool on);
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
