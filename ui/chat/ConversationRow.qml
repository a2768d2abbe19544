import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// One conversation in the sidebar: its title (a pin icon when pinned), a plain-text preview or a
// search snippet, and a "…" button with its actions (also on right click, the Menu key and
// Shift+F10). The list's keyboard cursor and the open conversation are marked.
ItemDelegate {
    id: row

    required property int index
    required property var conversationId
    required property string title
    required property string snippet
    required property bool pinned
    required property bool isOpen      // the conversation on screen
    required property bool isCursor    // the list's keyboard cursor, while the list has focus
    signal openRequested()
    signal renameRequested()
    signal pinRequested(bool pinned)
    signal exportRequested(string format)
    signal deleteRequested()

    function openMenu() { menu.popup(moreButton, 0, moreButton.height) }

    focusPolicy: Qt.NoFocus  // the list is the Tab stop; arrows move between rows
    padding: 8
    leftPadding: 10
    rightPadding: 4
    highlighted: isOpen
    onClicked: openRequested()
    Accessible.name: pinned ? qsTr("%1 (pinned)").arg(title) : title

    background: Rectangle {
        radius: 8
        color: row.isOpen ? Theme.selected : row.hovered ? Theme.hover : "transparent"
        border.width: row.isCursor ? 2 : 0
        border.color: Theme.accentText
    }

    contentItem: RowLayout {
        spacing: 4
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            RowLayout {
                Layout.fillWidth: true
                spacing: 4
                ThemedIcon {
                    objectName: "pinIcon"
                    visible: row.pinned
                    iconName: "pin"
                    width: 14
                    height: 14
                    sourceSize: Qt.size(14, 14)
                    color: Theme.mutedText
                    Accessible.name: qsTr("Pinned")
                }
                Label {
                    Layout.fillWidth: true
                    text: row.title
                    color: Theme.text
                    font.weight: row.isOpen ? Font.DemiBold : Font.Normal
                    elide: Text.ElideRight
                }
            }
            Label {
                Layout.fillWidth: true
                visible: row.snippet.length > 0
                text: row.snippet
                textFormat: Text.StyledText
                elide: Text.ElideRight
                maximumLineCount: 2
                wrapMode: Text.Wrap
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
            }
        }
        IconButton {
            id: moreButton
            objectName: "conversationMenuButton"
            iconName: "more"
            text: qsTr("Actions for %1").arg(row.title)
            implicitWidth: 30
            implicitHeight: 30
            focusPolicy: Qt.NoFocus  // from the keyboard: the Menu key or Shift+F10 on the row
            opacity: row.hovered || row.isOpen || row.isCursor || menu.visible ? 1 : 0
            onClicked: row.openMenu()
        }
    }

    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: row.openMenu()
    }

    Menu {
        id: menu
        objectName: "conversationMenu"
        MenuItem { text: qsTr("Rename…"); Accessible.name: text; onTriggered: row.renameRequested() }
        MenuItem { text: row.pinned ? qsTr("Unpin") : qsTr("Pin"); Accessible.name: text; onTriggered: row.pinRequested(!row.pinned) }
        MenuItem { text: qsTr("Export as JSON…"); Accessible.name: text; onTriggered: row.exportRequested("json") }
        MenuItem { text: qsTr("Export as Markdown…"); Accessible.name: text; onTriggered: row.exportRequested("md") }
        MenuSeparator {}
        MenuItem { text: qsTr("Delete…"); Accessible.name: text; onTriggered: row.deleteRequested() }
    }
}
