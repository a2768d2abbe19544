import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Shown instead of the app when the conversation database cannot be opened. Nothing has been
// changed; a damaged file can be moved aside (never deleted) so Ponder starts with a fresh one.
ApplicationWindow {
    id: window
    required property string message
    required property bool canMoveAside
    property bool moveAsideChosen: false
    signal moveAsideRequested()

    width: 560
    height: 280
    visible: true
    title: qsTr("Ponder cannot open its conversations")

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 20
        spacing: 12
        Label {
            text: qsTr("Ponder cannot open its conversations")
            font.bold: true
            font.pixelSize: Theme.titlePixelSize
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: window.message
        }
        Label {
            visible: window.canMoveAside
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: qsTr("The file looks damaged. Ponder can move it aside (it is kept, renamed, with its journal files) and start with an empty database next time.")
        }
        Item { Layout.fillHeight: true }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            OutlineButton { text: qsTr("Quit"); onClicked: Qt.quit() }
            OutlineButton {
                visible: window.canMoveAside
                highlighted: true
                text: qsTr("Move it aside")
                onClicked: { window.moveAsideChosen = true; window.moveAsideRequested() }
            }
        }
    }
}
