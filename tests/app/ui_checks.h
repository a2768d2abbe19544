// Checks on a live Qt Quick scene, for the screenshot and keyboard tests: what a demanding user
// would notice, turned into rules. Each returns one line per problem (empty: none).
#pragma once

#include <QImage>
#include <QStringList>

class QQuickItem;
class QQuickWindow;

namespace ponder::test {

// "Button 'Save' (objectName) at 10,20 120x36".
QString describe(QQuickItem* item);

// Every visible item's visible part (after its clipping ancestors) lies inside the window.
QStringList itemsOutsideWindow(QQuickWindow* window, QQuickItem* root);

// Every visible text (Text, TextEdit, TextInput and what Controls build from them) reads at
// `minimum`:1 or more against what is behind it: the text's own colour, faded by its effective
// opacity, against the colour most of its box shows in `shot` (the background). Texts of disabled
// controls are exempt, as WCAG exempts inactive components.
QStringList lowContrastTexts(QQuickWindow* window, const QImage& shot, QQuickItem* root, double minimum = 4.5);

// No push button, tool button, menu item, check box or combo box is narrower than its content
// (implicit width > width) or shows its text elided. A control that elides on purpose and shows
// its whole text in a tooltip says so with the dynamic property `elidesByDesign`.
QStringList clippedControls(QQuickItem* root);

// Every visible interactive item (buttons, text fields, combo and spin boxes, sliders, keyboard-
// reachable lists) has an accessible name, as a screen reader reads it (QAccessible).
QStringList unnamedInteractiveItems(QQuickItem* root);

// The item in the scene that has keyboard focus, and whether the window's focus ring is drawn
// around it (ui/controls/FocusRing.qml, objectName "focusRing").
bool focusRingAround(QQuickWindow* window);

} // namespace ponder::test
