import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Conversations: new chat, full-text search (titles, messages and reasoning, with snippets), the
// list grouped by date with pinned ones first, and per-conversation actions ("…" button, right
// click, or from the keyboard: arrows move, Enter opens, F2 renames, Delete deletes, the Menu key
// or Shift+F10 opens the actions). A deleted conversation leaves the list at once; its delete
// can be undone for a few seconds (ChatController.pendingDeletion).
Pane {
    id: sidebar

    required property ChatController chat
    required property ConversationListModel conversations
    function focusSearch() { search.forceActiveFocus(); search.selectAll() }
    function focusList() { list.forceActiveFocus(Qt.TabFocusReason) }
    // Opens the conversation `delta` rows from the open one (Ctrl+PgDown / Ctrl+PgUp).
    function openNext(delta) {
        if (list.count === 0) return
        const at = list.indexOfOpen()
        const next = Math.max(0, Math.min(list.count - 1, at < 0 ? 0 : at + delta))
        list.currentIndex = next
        list.openCurrent()
    }
    signal exportRequested(var conversationId, string format)
    signal conversationChosen()

    padding: 8
    background: Rectangle { color: Theme.sidebar }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Button {
            objectName: "newChatButton"
            Layout.fillWidth: true
            text: qsTr("New chat")
            flat: true
            icon.source: Theme.icon("new-chat")
            icon.width: 18
            icon.height: 18
            icon.color: Theme.text
            onClicked: { sidebar.chat.newConversation(); sidebar.conversationChosen() }
            Accessible.name: qsTr("New chat")
            contentItem: RowLayout {
                spacing: 8
                ThemedIcon { iconName: "new-chat" }
                Label { Layout.fillWidth: true; text: qsTr("New chat"); color: Theme.text }
                Label { text: "Ctrl+N"; color: Theme.mutedText; font.pixelSize: Theme.smallPixelSize }
            }
            background: Rectangle {
                radius: 8
                color: parent.down ? Theme.border : parent.hovered || parent.visualFocus ? Theme.hover : "transparent"
            }
        }
        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            placeholderTextColor: Theme.mutedText
            color: Theme.text
            onTextChanged: sidebar.conversations.search = text
            Keys.onEscapePressed: text = ""
            Accessible.name: qsTr("Search conversations")
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            objectName: "conversationList"
            clip: true
            model: sidebar.chat.visibleConversations
            ScrollBar.vertical: ScrollBar {}
            // One Tab stop; Up/Down move the cursor, Enter opens, F2 renames, Delete deletes.
            activeFocusOnTab: true
            keyNavigationEnabled: true
            highlightFollowsCurrentItem: false
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Conversations")
            section.property: "section"
            section.delegate: Label {
                required property string section
                text: section
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
                font.weight: Font.DemiBold
                topPadding: 12
                bottomPadding: 4
                leftPadding: 10
            }
            function indexOfOpen() {
                for (let i = 0; i < count; ++i) {
                    const item = itemAtIndex(i)
                    if (item && item.isOpen) return i
                }
                return -1
            }
            function openCurrent() {
                const item = currentItem
                if (item) { sidebar.chat.openConversation(item.conversationId); sidebar.conversationChosen() }
            }
            onActiveFocusChanged: if (activeFocus && currentIndex < 0 && count > 0) currentIndex = Math.max(0, indexOfOpen())
            Keys.onPressed: event => {
                const item = list.currentItem
                if (!item) return
                if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter || event.key === Qt.Key_Space) list.openCurrent()
                else if (event.key === Qt.Key_F2) renameDialog.openFor(item.conversationId, item.title)
                else if (event.key === Qt.Key_Delete) deleteDialog.openFor(item.conversationId, item.title)
                else if (event.key === Qt.Key_Menu || (event.key === Qt.Key_F10 && (event.modifiers & Qt.ShiftModifier))) item.openMenu()
                else return
                event.accepted = true
            }
            delegate: ConversationRow {
                width: ListView.view.width
                isOpen: conversationId === sidebar.chat.conversationId
                isCursor: ListView.isCurrentItem && (Window.activeFocusItem === this || Window.activeFocusItem === list)
                onOpenRequested: { list.currentIndex = index; sidebar.chat.openConversation(conversationId); sidebar.conversationChosen() }
                onRenameRequested: renameDialog.openFor(conversationId, title)
                onPinRequested: pin => sidebar.conversations.setPinned(conversationId, pin)
                onExportRequested: format => sidebar.exportRequested(conversationId, format)
                onDeleteRequested: deleteDialog.openFor(conversationId, title)
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: search.text.length ? qsTr("No matches") : qsTr("No conversations yet")
                color: Theme.mutedText
            }
        }
    }

    RenameDialog {
        id: renameDialog
        onRenameRequested: (id, title) => sidebar.conversations.rename(id, title)
        onClosed: if (list.count > 0) list.forceActiveFocus(Qt.OtherFocusReason)
    }
    DeleteConversationDialog {
        id: deleteDialog
        onDeleteRequested: id => sidebar.chat.deleteConversation(id)
        onClosed: if (list.count > 0) list.forceActiveFocus(Qt.OtherFocusReason)
    }
}
