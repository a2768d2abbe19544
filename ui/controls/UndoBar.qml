import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// "Conversation deleted. Undo": shown while a delete waits for its undo window
// (ChatController.pendingDeletion). Ctrl+Z does the same outside text fields.
Rectangle {
    id: bar

    required property ChatController chat
    readonly property PendingDeletion pending: chat.pendingDeletion

    visible: pending.active
    implicitWidth: row.implicitWidth + 24
    implicitHeight: row.implicitHeight + 12
    radius: 10
    color: Theme.dialog
    border.color: Theme.border

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: 12
        Label {
            objectName: "undoText"
            text: bar.pending.text
            color: Theme.text
        }
        Button {
            objectName: "undoButton"
            text: qsTr("Undo")
            flat: true
            onClicked: bar.chat.undoDelete()
            Accessible.name: qsTr("Undo the delete")
        }
    }
}
