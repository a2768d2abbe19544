import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// "Delete conversation?" with Cancel and Delete (words that say what happens, not Yes / No).
// The delete can still be undone for a few seconds afterwards (the undo bar, Ctrl+Z).
PonderDialog {
    id: dialog
    objectName: "deleteDialog"

    property var conversationId
    property string conversationTitle
    signal deleteRequested(var conversationId)

    function openFor(id, title) {
        conversationId = id
        conversationTitle = title
        open()
        cancelButton.forceActiveFocus(Qt.TabFocusReason)
    }

    title: qsTr("Delete conversation?")
    width: 440

    Label {
        width: parent.width
        text: qsTr("“%1” and all its messages will be deleted.").arg(dialog.conversationTitle)
        color: Theme.text
        wrapMode: Text.Wrap
    }

    footer: DialogButtons {
        Button {
            id: cancelButton
            objectName: "deleteCancel"
            text: qsTr("Cancel")
            Accessible.name: text
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        OutlineButton {
            objectName: "deleteConfirm"
            text: qsTr("Delete")
            Accessible.name: text
            highlighted: true
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
    onAccepted: dialog.deleteRequested(conversationId)
}
