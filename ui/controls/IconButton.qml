import QtQuick
import QtQuick.Controls
import Ponder
import Ponder.Core

// A compact button showing one of the app's icons (Theme.icon). `text` is its tooltip and its
// accessible name; the tooltip shows on hover and on keyboard focus, so the keyboard user learns
// what the icon means too.
ToolButton {
    id: button

    property string iconName
    property color iconColor: Theme.text

    display: AbstractButton.IconOnly
    padding: 7
    implicitWidth: 34
    implicitHeight: 34
    icon.source: Theme.icon(iconName)
    icon.width: 18
    icon.height: 18
    icon.color: enabled ? iconColor : Theme.mutedText
    opacity: enabled ? 1 : 0.5
    focusPolicy: Qt.StrongFocus

    ToolTip.visible: (hovered || visualFocus) && text.length > 0
    ToolTip.delay: visualFocus ? 0 : 500
    ToolTip.text: text
    Accessible.name: text

    background: Rectangle {
        radius: 8
        color: button.down ? Theme.border : button.hovered || button.visualFocus || button.checked ? Theme.hover : "transparent"
    }
}
