import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Conversations: new chat, full-text search (titles, messages and reasoning, with snippets), the
// list grouped by date with pinned ones first, and per-conversation actions.
Pane {
    id: sidebar

    required property ChatController chat
    required property ConversationListModel conversations
    function focusSearch() { search.forceActiveFocus(); search.selectAll() }
    signal exportRequested(var conversationId, string format)

    padding: 8

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Button {
            Layout.fillWidth: true
            text: qsTr("New chat")
            icon.name: "document-new"
            onClicked: sidebar.chat.newConversation()
            Accessible.name: qsTr("New chat")
        }
        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            onTextChanged: sidebar.conversations.search = text
            Keys.onEscapePressed: text = ""
            Accessible.name: qsTr("Search conversations")
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: sidebar.conversations
            ScrollBar.vertical: ScrollBar {}
            section.property: "section"
            section.delegate: Label {
                required property string section
                text: section
                opacity: 0.6
                font.pointSize: Qt.application.font.pointSize * 0.85
                topPadding: 10
                bottomPadding: 2
                leftPadding: 6
            }
            delegate: ItemDelegate {
                id: row
                required property var conversationId
                required property string title
                required property string snippet
                required property bool pinned
                width: ListView.view.width
                highlighted: conversationId === sidebar.chat.conversationId
                onClicked: sidebar.chat.openConversation(conversationId)
                Accessible.name: title
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: (row.pinned ? "📌 " : "") + row.title
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: row.snippet.length > 0
                        text: row.snippet
                        textFormat: Text.StyledText
                        elide: Text.ElideRight
                        maximumLineCount: 2
                        wrapMode: Text.Wrap
                        opacity: 0.7
                        font.pointSize: Qt.application.font.pointSize * 0.85
                    }
                }
                TapHandler {
                    acceptedButtons: Qt.RightButton
                    onTapped: menu.popup()
                }
                Menu {
                    id: menu
                    MenuItem { text: qsTr("Rename…"); onTriggered: renameDialog.openFor(row.conversationId, row.title) }
                    MenuItem {
                        text: row.pinned ? qsTr("Unpin") : qsTr("Pin")
                        onTriggered: sidebar.conversations.setPinned(row.conversationId, !row.pinned)
                    }
                    MenuItem { text: qsTr("Export as JSON…"); onTriggered: sidebar.exportRequested(row.conversationId, "json") }
                    MenuItem { text: qsTr("Export as Markdown…"); onTriggered: sidebar.exportRequested(row.conversationId, "md") }
                    MenuSeparator {}
                    MenuItem { text: qsTr("Delete…"); onTriggered: deleteDialog.openFor(row.conversationId, row.title) }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: search.text.length ? qsTr("No matches") : qsTr("No conversations yet")
                opacity: 0.6
            }
        }
    }

    Dialog {
        id: renameDialog
        property var conversationId
        function openFor(id, title) { conversationId = id; nameField.text = title; open(); nameField.selectAll(); nameField.forceActiveFocus() }
        title: qsTr("Rename conversation")
        anchors.centerIn: Overlay.overlay
        modal: true
        standardButtons: Dialog.Ok | Dialog.Cancel
        TextField { id: nameField; width: 320; onAccepted: renameDialog.accept(); Accessible.name: qsTr("Title") }
        onAccepted: sidebar.conversations.rename(conversationId, nameField.text)
    }
    Dialog {
        id: deleteDialog
        property var conversationId
        property string convTitle
        function openFor(id, t) { conversationId = id; convTitle = t; open() }
        title: qsTr("Delete conversation?")
        anchors.centerIn: Overlay.overlay
        modal: true
        standardButtons: Dialog.Yes | Dialog.No
        Label { text: qsTr("“%1” and all its messages will be deleted.").arg(deleteDialog.convTitle); wrapMode: Text.Wrap; width: 320 }
        onAccepted: sidebar.chat.deleteConversation(conversationId)
    }
}
