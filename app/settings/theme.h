// The app's colours and type sizes, light and dark, in one place: QML reads them from the Theme
// singleton, the answer renderer (chat/answer_html) writes them into the answers' HTML, and the
// tests compute every text/background pair's contrast from them (WCAG AA: >= 4.5:1).
//
// The choices and the reasons for them are in docs/design.md.
#pragma once

#include <QColor>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace ponder::app {

// Every colour of one theme. Text colours (text, mutedText, accentText, link, error, warning,
// success) must read at >= 4.5:1 on every surface (background, sidebar, surface, userBubble,
// dialog, chip); syntax colours on codeBackground; onAccent on accent.
struct ThemePalette {
    // surfaces
    QColor background;      // the chat and pages
    QColor sidebar;         // the conversation list and the header
    QColor surface;         // cards, the composer, the thinking panel
    QColor hover;           // a row or icon button under the pointer
    QColor selected;        // the open conversation in the list
    QColor userBubble;      // the user's messages
    QColor dialog;          // dialogs and menus
    QColor border;
    QColor scrim;           // dims the window behind a modal dialog
    // text
    QColor text;
    QColor mutedText;       // secondary text: stats, hints, section headers
    QColor accent;          // fills: primary buttons, progress, the send button
    QColor onAccent;        // text and icons on accent
    QColor accentText;      // accent used as text, icons and focus rings on a surface
    QColor link;
    QColor error, warning, success;
    // answers
    QColor codeBackground;  // code blocks
    QColor chip;            // inline `code`
    QColor tableHeader;     // a table's first row
    QColor keyword, string, comment, number, type, function;  // code syntax
};

ThemePalette lightPalette();
ThemePalette darkPalette();
inline ThemePalette paletteFor(bool dark) { return dark ? darkPalette() : lightPalette(); }

// WCAG 2.x contrast ratio of two opaque colours (1 .. 21).
double contrastRatio(const QColor& a, const QColor& b);
// `over` painted with `opacity` on `under` (what the eye sees for a translucent text).
QColor blend(const QColor& over, const QColor& under, double opacity);

// Pixel size of message text for a "Text size" setting in points (0 = the default, 15 px);
// the rest of the interface is one pixel smaller.
int bodyPixelSizeFor(int fontPoints);

class Theme : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Set by Main.qml from AppSettings.darkTheme and AppSettings.fontSize.
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY changed)
    Q_PROPERTY(int fontPoints READ fontPoints WRITE setFontPoints NOTIFY changed)

    Q_PROPERTY(QColor background READ background NOTIFY changed)
    Q_PROPERTY(QColor sidebar READ sidebar NOTIFY changed)
    Q_PROPERTY(QColor surface READ surface NOTIFY changed)
    Q_PROPERTY(QColor hover READ hover NOTIFY changed)
    Q_PROPERTY(QColor selected READ selected NOTIFY changed)
    Q_PROPERTY(QColor userBubble READ userBubble NOTIFY changed)
    Q_PROPERTY(QColor dialog READ dialog NOTIFY changed)
    Q_PROPERTY(QColor border READ border NOTIFY changed)
    Q_PROPERTY(QColor scrim READ scrim NOTIFY changed)
    Q_PROPERTY(QColor text READ text NOTIFY changed)
    Q_PROPERTY(QColor mutedText READ mutedText NOTIFY changed)
    Q_PROPERTY(QColor accent READ accent NOTIFY changed)
    Q_PROPERTY(QColor onAccent READ onAccent NOTIFY changed)
    Q_PROPERTY(QColor accentText READ accentText NOTIFY changed)
    Q_PROPERTY(QColor link READ link NOTIFY changed)
    Q_PROPERTY(QColor error READ error NOTIFY changed)
    Q_PROPERTY(QColor warning READ warning NOTIFY changed)
    Q_PROPERTY(QColor success READ success NOTIFY changed)
    Q_PROPERTY(QColor codeBackground READ codeBackground NOTIFY changed)
    Q_PROPERTY(QColor chip READ chip NOTIFY changed)

    // Type: message text, the interface, small print (stats, section headers), headings.
    Q_PROPERTY(int bodyPixelSize READ bodyPixelSize NOTIFY changed)
    Q_PROPERTY(int uiPixelSize READ uiPixelSize NOTIFY changed)
    Q_PROPERTY(int smallPixelSize READ smallPixelSize NOTIFY changed)
    Q_PROPERTY(int titlePixelSize READ titlePixelSize NOTIFY changed)
    Q_PROPERTY(QString monoFamily READ monoFamily CONSTANT)
    // Layout: the reading column's width (messages and composer), corner radii.
    Q_PROPERTY(int readingWidth READ readingWidth CONSTANT)
    Q_PROPERTY(int radius READ radius CONSTANT)

public:
    explicit Theme(QObject* parent = nullptr);
    static Theme* create(QQmlEngine*, QJSEngine*) { return new Theme; }

    bool dark() const { return m_dark; }
    void setDark(bool dark);
    int fontPoints() const { return m_fontPoints; }
    void setFontPoints(int points);
    const ThemePalette& palette() const { return m_palette; }

    QColor background() const { return m_palette.background; }
    QColor sidebar() const { return m_palette.sidebar; }
    QColor surface() const { return m_palette.surface; }
    QColor hover() const { return m_palette.hover; }
    QColor selected() const { return m_palette.selected; }
    QColor userBubble() const { return m_palette.userBubble; }
    QColor dialog() const { return m_palette.dialog; }
    QColor border() const { return m_palette.border; }
    QColor scrim() const { return m_palette.scrim; }
    QColor text() const { return m_palette.text; }
    QColor mutedText() const { return m_palette.mutedText; }
    QColor accent() const { return m_palette.accent; }
    QColor onAccent() const { return m_palette.onAccent; }
    QColor accentText() const { return m_palette.accentText; }
    QColor link() const { return m_palette.link; }
    QColor error() const { return m_palette.error; }
    QColor warning() const { return m_palette.warning; }
    QColor success() const { return m_palette.success; }
    QColor codeBackground() const { return m_palette.codeBackground; }
    QColor chip() const { return m_palette.chip; }

    int bodyPixelSize() const { return bodyPixelSizeFor(m_fontPoints); }
    int uiPixelSize() const { return bodyPixelSize() - 1; }
    int smallPixelSize() const { return bodyPixelSize() - 3; }
    int titlePixelSize() const { return bodyPixelSize() + 5; }
    static QString monoFamily() { return QStringLiteral("monospace"); }
    static int readingWidth() { return 760; }
    static int radius() { return 10; }

    // The URL of one of the app's icons (ui/icons/NAME.svg): single-colour line icons, tinted
    // with the theme's colours by the controls that show them.
    Q_INVOKABLE static QString icon(const QString& name);

signals:
    void changed();

private:
    bool m_dark = false;
    int m_fontPoints = 0;
    ThemePalette m_palette;
};

} // namespace ponder::app
