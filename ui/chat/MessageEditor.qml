import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Editing a question in place: as wide as the reading column (not the bubble), the same keys as
// the composer (Enter or Ctrl+Enter saves, per Settings; Shift+Enter a new line), Esc cancels,
// Tab moves on to the buttons.
ColumnLayout {
    id: editor

    property alias text: area.text
    property bool sendWithCtrlEnter: false
    property bool tabInsertsTab: false
    property bool canSave: true
    signal saveRequested(string text)
    signal cancelRequested()

    function focusInput() { area.forceActiveFocus(); area.cursorPosition = area.length }
    function trySave() {
        if (area.text.trim().length > 0 && editor.canSave) editor.saveRequested(area.text)
    }

    spacing: 8

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: Math.min(Math.max(area.implicitHeight, 60), 320) + 4
        radius: 14
        color: Theme.background
        border.color: area.activeFocus ? Theme.accentText : Theme.border
        border.width: area.activeFocus ? 2 : 1
        ScrollView {
            anchors.fill: parent
            anchors.margins: 2
            TextArea {
                id: area
                objectName: "editArea"
                wrapMode: TextEdit.Wrap
                font.pixelSize: Theme.bodyPixelSize
                color: Theme.text
                placeholderTextColor: Theme.mutedText
                leftPadding: 12
                rightPadding: 12
                topPadding: 10
                bottomPadding: 10
                background: null
                Accessible.name: qsTr("Edit message")
                Keys.onPressed: event => {
                    if (event.key === Qt.Key_Escape) {
                        editor.cancelRequested()
                        event.accepted = true
                        return
                    }
                    switch (KeyRouting.action(event.key, event.modifiers, editor.sendWithCtrlEnter, editor.tabInsertsTab)) {
                    case KeyRouting.FocusNext:
                        cancelButton.forceActiveFocus(Qt.TabFocusReason)
                        break
                    case KeyRouting.FocusPrevious:
                        area.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                        break
                    case KeyRouting.InsertTab:
                        area.insert(area.cursorPosition, "\t")
                        break
                    case KeyRouting.Send:
                        editor.trySave()
                        break
                    default:
                        return
                    }
                    event.accepted = true
                }
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        Label {
            Layout.fillWidth: true
            text: editor.sendWithCtrlEnter ? qsTr("Ctrl+Enter to save · Esc to cancel") : qsTr("Enter to save · Esc to cancel")
            color: Theme.mutedText
            font.pixelSize: Theme.smallPixelSize
            horizontalAlignment: Text.AlignRight
            wrapMode: Text.Wrap
        }
        Button {
            id: cancelButton
            objectName: "editCancel"
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel the edit")
            flat: true
            onClicked: editor.cancelRequested()
        }
        OutlineButton {
            objectName: "editSave"
            text: qsTr("Save and send")
            Accessible.name: text
            highlighted: true
            enabled: area.text.trim().length > 0 && editor.canSave
            onClicked: editor.trySave()
        }
    }
}
