#include "settings/theme.h"

#include <algorithm>
#include <cmath>

namespace ponder::app {

// Neutral greys with one teal accent (the app icon's colour); every text colour is checked
// against every surface in tests/app/test_theme.cpp. Ratios on the main background in comments.
ThemePalette lightPalette() {
    ThemePalette p;
    p.background = QColor(0xffffff);
    p.sidebar = QColor(0xf6f7f8);
    p.surface = QColor(0xf0f2f4);
    p.hover = QColor(0xe8ebee);
    p.selected = QColor(0xdde9ea);
    p.userBubble = QColor(0xeaf3f4);
    p.dialog = QColor(0xffffff);
    p.border = QColor(0xd3d8dd);
    p.scrim = QColor(0, 0, 0, 102);       // 40 %
    p.text = QColor(0x1d2125);            // 16.2:1
    p.mutedText = QColor(0x5a6470);       // 6.0:1
    p.accent = QColor(0x0d6e78);
    p.onAccent = QColor(0xffffff);        // 6.0:1 on accent
    p.accentText = QColor(0x0b6570);      // 6.8:1
    p.link = QColor(0x0a5cc2);            // 6.3:1
    p.error = QColor(0xb42318);           // 6.6:1
    p.warning = QColor(0x8a4a00);         // 6.9:1
    p.success = QColor(0x1b6b35);         // 6.6:1
    p.codeBackground = QColor(0xf6f8fa);
    p.chip = QColor(0xeceff2);
    p.tableHeader = QColor(0xf0f2f4);
    p.keyword = QColor(0x8b2fb3);
    p.string = QColor(0x0f6b2f);
    p.comment = QColor(0x5f6b76);
    p.number = QColor(0xa4461b);
    p.type = QColor(0x0b5f8a);
    p.function = QColor(0x6b4c00);
    return p;
}

ThemePalette darkPalette() {
    ThemePalette p;
    p.background = QColor(0x1c1d20);
    p.sidebar = QColor(0x151618);
    p.surface = QColor(0x26282c);
    p.hover = QColor(0x2e3136);
    p.selected = QColor(0x22373a);
    p.userBubble = QColor(0x1f3538);
    p.dialog = QColor(0x2a2c31);
    p.border = QColor(0x3b3f46);
    p.scrim = QColor(0, 0, 0, 153);       // 60 %: a dark window needs more to read as dimmed
    p.text = QColor(0xe7e8ea);            // 13.8:1
    p.mutedText = QColor(0xa6adb6);       // 7.4:1
    p.accent = QColor(0x0d7a84);
    p.onAccent = QColor(0xffffff);        // 5.1:1 on accent
    p.accentText = QColor(0x62c6cc);      // 8.4:1
    p.link = QColor(0x7ab6ff);            // 8.0:1 (was pure blue on #303030: 1.5:1)
    p.error = QColor(0xff8f86);
    p.warning = QColor(0xf3b35c);
    p.success = QColor(0x7fd19b);
    p.codeBackground = QColor(0x131417);
    p.chip = QColor(0x30333a);
    p.tableHeader = QColor(0x26282c);
    p.keyword = QColor(0xd09af0);
    p.string = QColor(0x9fd49a);
    p.comment = QColor(0x98a1ab);
    p.number = QColor(0xf0a77a);
    p.type = QColor(0x7cc4f0);
    p.function = QColor(0xe6cf86);
    return p;
}

namespace {
double channel(double c) { return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }
double luminance(const QColor& c) {
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
} // namespace

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor blend(const QColor& over, const QColor& under, double opacity) {
    const double a = std::clamp(opacity * over.alphaF(), 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(over.redF() * a + under.redF() * (1 - a)),
                            static_cast<float>(over.greenF() * a + under.greenF() * (1 - a)),
                            static_cast<float>(over.blueF() * a + under.blueF() * (1 - a)));
}

int bodyPixelSizeFor(int fontPoints) {
    // 15 px by default (ChatGPT and Jan use 15-16 px); a chosen size in points at 96 dpi.
    if (fontPoints <= 0) return 15;
    return std::max(11, static_cast<int>(std::lround(fontPoints * 96.0 / 72.0)));
}

Theme::Theme(QObject* parent) : QObject(parent), m_palette(lightPalette()) {}

void Theme::setDark(bool dark) {
    if (dark == m_dark) return;
    m_dark = dark;
    m_palette = paletteFor(dark);
    emit changed();
}

void Theme::setFontPoints(int points) {
    if (points == m_fontPoints) return;
    m_fontPoints = points;
    emit changed();
}

QString Theme::icon(const QString& name) { return QStringLiteral("qrc:/qt/qml/Ponder/icons/") + name + QStringLiteral(".svg"); }

} // namespace ponder::app
