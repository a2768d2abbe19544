import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Renames a conversation. A fixed width (the field fills it, never sticks out) and no size that
// depends on its own content, so there is nothing to loop on.
PonderDialog {
    id: dialog
    objectName: "renameDialog"

    property var conversationId
    signal renameRequested(var conversationId, string title)

    function openFor(id, title) {
        conversationId = id
        field.text = title
        open()
        field.selectAll()
        field.forceActiveFocus()
    }

    title: qsTr("Rename conversation")
    width: 420

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        Label {
            text: qsTr("Title")
            color: Theme.mutedText
        }
        TextField {
            id: field
            objectName: "renameField"
            Layout.fillWidth: true
            color: Theme.text
            placeholderTextColor: Theme.mutedText
            Accessible.name: qsTr("Title")
            onAccepted: dialog.accept()
        }
    }

    footer: DialogButtons {
        Button {
            objectName: "renameCancel"
            text: qsTr("Cancel")
            Accessible.name: text
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        OutlineButton {
            objectName: "renameSave"
            text: qsTr("Rename")
            Accessible.name: text
            highlighted: true
            enabled: field.text.trim().length > 0
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
    }
    onAccepted: if (field.text.trim().length > 0) dialog.renameRequested(conversationId, field.text)
}
