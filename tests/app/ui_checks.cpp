#include "ui_checks.h"

#include "settings/theme.h"

#include <QAccessible>
#include <QHash>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtMath>
#include <functional>

namespace ponder::test {

namespace {

bool inherits(const QObject* o, const char* className) {
    for (const QMetaObject* m = o->metaObject(); m; m = m->superClass())
        if (qstrcmp(m->className(), className) == 0) return true;
    return false;
}

bool inheritsAny(const QObject* o, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (inherits(o, n)) return true;
    return false;
}

// Drawn effects, not content: the Material style's elevation shadows reach past a dialog's edge
// (and past the window's, for a dialog near it) by design.
bool isEffect(const QQuickItem* item) {
    const QByteArray name = item->metaObject()->className();
    return inheritsAny(item, {"QQuickShaderEffect", "QQuickShaderEffectSource"}) || name.startsWith("ElevationEffect") ||
           name.startsWith("BoxShadow") || name.startsWith("RectangularGlow");
}

void walk(QQuickItem* item, const std::function<void(QQuickItem*)>& visit) {
    if (!item || !item->isVisible() || isEffect(item)) return;
    visit(item);
    for (QQuickItem* child : item->childItems()) walk(child, visit);
}

double effectiveOpacity(const QQuickItem* item) {
    double o = 1;
    for (; item; item = item->parentItem()) o *= item->opacity();
    return o;
}

// The part of `item` that can be seen: its box cut by every clipping ancestor, in the scene.
QRectF visibleRect(QQuickItem* item) {
    QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    for (QQuickItem* p = item->parentItem(); p; p = p->parentItem())
        if (p->clip()) r &= p->mapRectToScene(QRectF(0, 0, p->width(), p->height()));
    return r;
}

bool isText(const QObject* o) { return inheritsAny(o, {"QQuickText", "QQuickTextEdit", "QQuickTextInput"}); }

// The colour most of `rect` shows: the background behind a text (glyphs cover a small part).
QColor dominantColour(const QImage& image, const QRect& rect) {
    const QRect r = rect & image.rect();
    const int step = r.width() * r.height() > 60000 ? 3 : 1;
    QHash<QRgb, int> counts;
    for (int y = r.top(); y <= r.bottom(); y += step)
        for (int x = r.left(); x <= r.right(); x += step) counts[image.pixel(x, y) | 0xff000000]++;
    QRgb best = 0;
    int bestCount = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > bestCount) {
            best = it.key();
            bestCount = it.value();
        }
    return QColor::fromRgb(best);
}

} // namespace

QString describe(QQuickItem* item) {
    QString name = QString::fromLatin1(item->metaObject()->className());
    name = name.left(name.indexOf(QLatin1String("_QML")));
    if (!item->objectName().isEmpty()) name += QStringLiteral(" #") + item->objectName();
    const QString text = item->property("text").toString();
    if (!text.isEmpty()) name += QStringLiteral(" \"%1\"").arg(text.left(40));
    const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    return name + QStringLiteral(" at %1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

QStringList itemsOutsideWindow(QQuickWindow* window, QQuickItem* root) {
    QStringList problems;
    const QRectF inside = QRectF(0, 0, window->width(), window->height()).adjusted(-1, -1, 1, 1);
    walk(root, [&](QQuickItem* item) {
        if (item->width() <= 0 || item->height() <= 0 || effectiveOpacity(item) < 0.01) return;
        const QRectF r = visibleRect(item);
        if (r.isEmpty()) return;  // clipped away entirely (scrolled out of a list)
        if (!inside.contains(r))
            problems << QStringLiteral("outside the %1x%2 window: %3").arg(window->width()).arg(window->height()).arg(describe(item));
        // In a list that only scrolls up and down, what is wider than the list is cut off at its
        // side (thinking panels and the stats line were, at 800x600): the clip hides it, so the
        // window check above cannot see it.
        for (QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
            if (!p->clip()) continue;
            if (inherits(p, "QQuickFlickable") && p->property("contentWidth").toReal() <= p->width() + 0.5) {
                const QRectF box = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
                const QRectF list = p->mapRectToScene(QRectF(0, 0, p->width(), p->height()));
                if (box.left() < list.left() - 1 || box.right() > list.right() + 1)
                    problems << QStringLiteral("cut off at the side of %1: %2").arg(describe(p), describe(item));
            }
            break;  // the nearest clipping ancestor decides
        }
    });
    return problems;
}

QStringList lowContrastTexts(QQuickWindow* window, const QImage& shot, QQuickItem* root, double minimum) {
    QStringList problems;
    const qreal dpr = shot.devicePixelRatio();
    const QRectF windowRect(0, 0, window->width(), window->height());
    walk(root, [&](QQuickItem* item) {
        if (!isText(item) || !item->isEnabled()) return;
        if (item->property("text").toString().trimmed().isEmpty()) return;
        const double opacity = effectiveOpacity(item);
        if (opacity < 0.05) return;
        const QRectF r = visibleRect(item) & windowRect;
        if (r.width() < 4 || r.height() < 4) return;
        const QColor colour = item->property("color").value<QColor>();
        const QRect pixels(qFloor(r.x() * dpr), qFloor(r.y() * dpr), qFloor(r.width() * dpr), qFloor(r.height() * dpr));
        const QColor background = dominantColour(shot, pixels);
        const QColor seen = app::blend(colour, background, opacity);
        const double ratio = app::contrastRatio(seen, background);
        if (ratio < minimum)
            problems << QStringLiteral("contrast %1:1 (%2 at %3 opacity on %4): %5")
                            .arg(ratio, 0, 'f', 2).arg(colour.name()).arg(opacity, 0, 'f', 2).arg(background.name(), describe(item));
    });
    return problems;
}

QStringList clippedControls(QQuickItem* root) {
    QStringList problems;
    walk(root, [&](QQuickItem* item) {
        if (!inheritsAny(item, {"QQuickButton", "QQuickToolButton", "QQuickMenuItem", "QQuickCheckBox",
                                "QQuickRadioButton", "QQuickSwitch", "QQuickTabButton", "QQuickComboBox"}))
            return;
        if (item->property("elidesByDesign").toBool() || effectiveOpacity(item) < 0.01) return;
        if (item->implicitWidth() > item->width() + 0.5)
            problems << QStringLiteral("narrower than its content (%1 < %2): %3").arg(item->width()).arg(item->implicitWidth()).arg(describe(item));
        walk(item, [&](QQuickItem* part) {
            if (inherits(part, "QQuickText") && part->property("truncated").toBool())
                problems << QStringLiteral("text elided: %1 in %2").arg(part->property("text").toString(), describe(item));
        });
    });
    return problems;
}

QStringList unnamedInteractiveItems(QQuickItem* root) {
    QStringList problems;
    walk(root, [&](QQuickItem* item) {
        bool interactive = inheritsAny(item, {"QQuickAbstractButton", "QQuickComboBox", "QQuickSpinBox", "QQuickSlider"});
        if (inheritsAny(item, {"QQuickTextInput", "QQuickTextEdit"}) && !item->property("readOnly").toBool()) {
            // The editor inside a spin box or combo box is part of that control, which has the name.
            bool part = false;
            for (QQuickItem* p = item->parentItem(); p && !part; p = p->parentItem())
                part = inheritsAny(p, {"QQuickSpinBox", "QQuickComboBox"});
            interactive = !part;
        }
        if (inherits(item, "QQuickListView") && item->activeFocusOnTab()) interactive = true;
        if (!interactive || effectiveOpacity(item) < 0.01 || !item->isEnabled()) return;
        QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(item);
        const QString name = iface ? iface->text(QAccessible::Name).trimmed() : QString();
        if (name.isEmpty())
            problems << QStringLiteral("no accessible name (role %1): %2").arg(iface ? int(iface->role()) : -1).arg(describe(item));
    });
    return problems;
}

bool focusRingAround(QQuickWindow* window) {
    QQuickItem* focused = window->activeFocusItem();
    if (!focused) return false;
    QQuickItem* ring = nullptr;
    walk(window->contentItem(), [&](QQuickItem* item) {
        if (item->objectName() == QLatin1String("focusRing")) ring = item;
    });
    if (!ring) return false;
    const QRectF around = ring->mapRectToScene(QRectF(0, 0, ring->width(), ring->height()));
    const QRectF target = visibleRect(focused);
    return around.adjusted(-1, -1, 1, 1).contains(target) && around.width() <= target.width() + 12;
}

} // namespace ponder::test
