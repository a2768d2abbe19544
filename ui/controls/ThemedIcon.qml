import QtQuick
import QtQuick.Controls.impl
import Ponder
import Ponder.Core

// One of the app's icons (ui/icons/NAME.svg) on its own, tinted with a theme colour: the icons
// are single-colour line drawings, so one file serves both themes.
IconImage {
    property string iconName
    source: Theme.icon(iconName)
    sourceSize: Qt.size(18, 18)
    width: 18
    height: 18
    color: Theme.text
}
