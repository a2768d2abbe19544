import QtQuick
import QtQuick.Controls
import Ponder
import Ponder.Core

// One suggested first question under an empty chat: a rounded, outlined button.
Button {
    id: chip
    flat: true
    Accessible.name: text
    leftPadding: 14
    rightPadding: 14
    topPadding: 8
    bottomPadding: 8
    topInset: 0
    bottomInset: 0
    contentItem: Label {
        text: chip.text
        color: Theme.text
        font: chip.font
        elide: Text.ElideRight
    }
    background: Rectangle {
        radius: height / 2
        color: chip.down ? Theme.border : chip.hovered || chip.visualFocus ? Theme.hover : Theme.background
        border.color: Theme.border
    }
}
