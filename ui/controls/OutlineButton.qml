import QtQuick
import QtQuick.Controls
import Ponder.Core

// The app's push button: rounded, outlined, flat (no Material shadow), sentence case; with
// `highlighted` it is the page's one suggested action, filled with the accent. Its text is its
// accessible name unless one is given.
Button {
    id: control

    leftPadding: 14
    rightPadding: 14
    topPadding: 8
    bottomPadding: 8
    topInset: 0
    bottomInset: 0
    Accessible.name: text

    contentItem: Label {
        text: control.text
        font: control.font
        color: !control.enabled ? Theme.mutedText : control.highlighted ? Theme.onAccent : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        implicitHeight: 36
        radius: 8
        color: !control.enabled ? Theme.surface
             : control.highlighted ? (control.down ? Qt.darker(Theme.accent, 1.15) : Theme.accent)
             : control.down ? Theme.border : control.hovered || control.visualFocus ? Theme.hover : Theme.background
        border.color: control.highlighted && control.enabled ? Theme.accent : Theme.border
    }
}
