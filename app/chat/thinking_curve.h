// The test-time-scaling curve of an eval run (`ponder-cli eval --think-budgets ... --json`), shown
// in the app with the same drawing the CLI's --plot writes (app/eval/scaling_plot.h).
//   ThinkingCurve { id: curve }  ...  curve.load(fileUrl); Image { source: curve.imageUrl }
#pragma once

#include <QObject>
#include <QTemporaryDir>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ThinkingCurve : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QUrl imageUrl READ imageUrl NOTIFY changed)      // the plot, an SVG file
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)         // why the last file could not be shown
    // [{budget: "unlimited", accuracy: "97.2 %", tokens: "158"}]: the points as text, for a table
    // a screen reader can read.
    Q_PROPERTY(QVariantList points READ points NOTIFY changed)
public:
    explicit ThinkingCurve(QObject* parent = nullptr);
    QUrl imageUrl() const { return m_imageUrl; }
    QString title() const { return m_title; }
    QString error() const { return m_error; }
    QVariantList points() const { return m_points; }

    // Reads an eval result with a "curve" list; false (and `error`) for any other file.
    Q_INVOKABLE bool load(const QUrl& file);

signals:
    void changed();

private:
    bool fail(const QString& why);
    QTemporaryDir m_dir;
    int m_count = 0;  // a new file name per load, so an Image shows the new plot
    QUrl m_imageUrl;
    QString m_title, m_error;
    QVariantList m_points;
};

} // namespace ponder::app
