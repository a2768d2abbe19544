import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Keyboard shortcuts, listed where users look for them (F1 or the help button).
Dialog {
    id: sheet
    title: qsTr("Keyboard shortcuts")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: Overlay.overlay

    readonly property var shortcuts: [
        [qsTr("New chat"), "Ctrl+N"],
        [qsTr("Search conversations"), "Ctrl+F"],
        [qsTr("Send message"), qsTr("Enter (or Ctrl+Enter, see Settings)")],
        [qsTr("New line"), "Shift+Enter"],
        [qsTr("Stop generating"), "Esc"],
        [qsTr("Regenerate the last answer"), "Ctrl+R"],
        [qsTr("Models"), "Ctrl+M"],
        [qsTr("Settings"), "Ctrl+,"],
        [qsTr("This help"), "F1"],
        [qsTr("Quit"), "Ctrl+Q"]
    ]

    GridLayout {
        columns: 2
        columnSpacing: 24
        rowSpacing: 6
        Repeater {
            model: sheet.shortcuts.length * 2
            delegate: Label {
                required property int index
                text: sheet.shortcuts[Math.floor(index / 2)][index % 2]
                font.bold: index % 2 === 1
            }
        }
    }
}
