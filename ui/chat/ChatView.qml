import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// The active branch of the open conversation and the composer, in one centred reading column
// (Theme.readingWidth). The list follows new text while the user is at the bottom and stays put
// once they scroll up to read. Keyboard: Up/Down move between messages, Tab reaches the current
// message's actions, Shift+Esc returns to the composer.
// The list comes before the composer in the item tree, so Tab and Shift+Tab go sidebar, messages,
// composer in that order (a Page footer would put the composer first).
Rectangle {
    id: page

    required property ChatController chat
    property bool sendWithCtrlEnter: false
    property bool tabInsertsTab: false
    function focusComposer() { composer.focusInput() }

    color: Theme.background

    ListView {
        id: list
        objectName: "messageList"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: bottomArea.top
        model: page.chat.messages
        clip: true
        spacing: 4
        reuseItems: false
        boundsBehavior: Flickable.StopAtBounds
        // Space above the first and below the last message (not top/bottomMargin, which keep
        // atYEnd false at the very end, so the scroll-down button never went away).
        header: Item { width: 1; height: 16 }
        footer: Item { width: 1; height: 16 }
        ScrollBar.vertical: ScrollBar {}
        property bool followBottom: true
        // The message list is one stop in the Tab order; arrows move between messages.
        activeFocusOnTab: true
        keyNavigationEnabled: true
        highlightFollowsCurrentItem: false
        currentIndex: -1
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Messages")
        onActiveFocusChanged: if (activeFocus && currentIndex < 0) currentIndex = count - 1

        delegate: MessageDelegate {
            chat: page.chat
            sendWithCtrlEnter: page.sendWithCtrlEnter
            tabInsertsTab: page.tabInsertsTab
            // After saving, on to the answer being written (the composer); after Esc, back to
            // the list where the keyboard user was.
            onEditClosed: saved => saved ? composer.focusInput() : list.forceActiveFocus(Qt.OtherFocusReason)
        }

        onMovementEnded: followBottom = atYEnd
        onContentHeightChanged: if (followBottom) Qt.callLater(positionViewAtEnd)
        onCountChanged: if (followBottom) Qt.callLater(positionViewAtEnd)
        Connections {
            target: page.chat
            function onConversationOpened() { list.currentIndex = -1; list.followBottom = true; Qt.callLater(list.positionViewAtEnd) }
            function onMessageSent() { list.followBottom = true; Qt.callLater(list.positionViewAtEnd) }
        }

        // Empty conversation: what to try.
        ColumnLayout {
            anchors.centerIn: parent
            visible: list.count === 0
            width: Math.min(parent.width - 48, 560)
            spacing: 16
            Label {
                objectName: "emptyTitle"
                Layout.fillWidth: true
                text: page.chat.modelReady ? qsTr("Ask %1 something").arg(page.chat.modelName) : qsTr("No model is loaded")
                font.pixelSize: Theme.titlePixelSize
                font.weight: Font.DemiBold
                color: Theme.text
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
            }
            Flow {
                Layout.fillWidth: true
                spacing: 8
                visible: page.chat.canSend
                Repeater {
                    model: page.chat.suggestions
                    delegate: SuggestionChip {
                        required property string modelData
                        text: modelData
                        onClicked: page.chat.send(modelData)
                    }
                }
            }
        }
    }

    IconButton {
        objectName: "scrollToEnd"
        visible: !list.atYEnd && list.count > 0
        anchors.right: parent.right
        anchors.bottom: bottomArea.top
        anchors.margins: 16
        iconName: "arrow-down"
        text: qsTr("Scroll to the latest message")
        background: Rectangle { radius: width / 2; color: Theme.surface; border.color: Theme.border }
        onClicked: { list.followBottom = true; list.positionViewAtEnd() }
    }

    ColumnLayout {
        id: bottomArea
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        spacing: 0
        Rectangle {
            objectName: "contextFullBanner"
            visible: page.chat.contextFull
            Layout.fillWidth: true
            implicitHeight: contextRow.implicitHeight + 20
            color: Theme.surface
            RowLayout {
                id: contextRow
                anchors.fill: parent
                anchors.margins: 10
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Theme.text
                    text: qsTr("This conversation has filled the model's context. Start a new chat, or drop the oldest turns to continue (they stay saved, they are only no longer sent to the model).")
                }
                OutlineButton { text: qsTr("New chat"); onClicked: page.chat.newConversation() }
                OutlineButton { text: qsTr("Drop oldest turns"); onClicked: page.chat.dropOldestTurns() }
            }
        }
        Composer {
            id: composer
            Layout.fillWidth: true
            chat: page.chat
            sendWithCtrlEnter: page.sendWithCtrlEnter
            tabInsertsTab: page.tabInsertsTab
        }
    }
}
