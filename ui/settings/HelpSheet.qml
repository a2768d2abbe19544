import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Keyboard shortcuts, listed where users look for them (F1 or the help button).
PonderDialog {
    id: sheet
    objectName: "helpSheet"
    title: qsTr("Keyboard shortcuts")
    standardButtons: Dialog.Close
    width: Math.min(620, parent ? parent.width - 48 : 620)

    readonly property var shortcuts: [
        [qsTr("New chat"), "Ctrl+N"],
        [qsTr("Search conversations"), "Ctrl+F"],
        [qsTr("Go to the conversation list"), "Ctrl+L"],
        [qsTr("Next / previous conversation"), "Ctrl+PgDown / Ctrl+PgUp"],
        [qsTr("In the list: open, rename, delete, actions"), qsTr("Enter, F2, Delete, Menu or Shift+F10")],
        [qsTr("Undo a delete"), "Ctrl+Z"],
        [qsTr("Go to the message box"), "Shift+Esc"],
        [qsTr("Send message"), qsTr("Enter (or Ctrl+Enter, see Settings)")],
        [qsTr("New line"), "Shift+Enter"],
        [qsTr("Leave the message box"), qsTr("Tab (Ctrl+Tab types a tab)")],
        [qsTr("Stop generating"), "Esc"],
        [qsTr("Regenerate the last answer"), "Ctrl+R"],
        [qsTr("Messages: move, reach a message's actions"), qsTr("Up / Down, then Tab")],
        [qsTr("Show or hide the conversations"), "Ctrl+Shift+S"],
        [qsTr("Models"), "Ctrl+M"],
        [qsTr("Settings"), "Ctrl+,"],
        [qsTr("This help"), "F1"],
        [qsTr("Quit"), "Ctrl+Q"]
    ]

    ScrollView {
        anchors.fill: parent
        implicitHeight: Math.min(grid.implicitHeight, 420)
        contentWidth: availableWidth
        GridLayout {
            id: grid
            width: parent.width
            columns: 2
            columnSpacing: 24
            rowSpacing: 6
            Repeater {
                model: sheet.shortcuts.length * 2
                delegate: Label {
                    required property int index
                    Layout.fillWidth: index % 2 === 0
                    text: sheet.shortcuts[Math.floor(index / 2)][index % 2]
                    font.weight: index % 2 === 1 ? Font.DemiBold : Font.Normal
                    color: Theme.text
                    wrapMode: Text.Wrap
                }
            }
        }
    }
}
