import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The active branch of the open conversation and the composer. The list follows new text while
// the user is at the bottom and stays put once they scroll up to read.
Page {
    id: page

    required property ChatController chat
    property bool sendWithCtrlEnter: false
    function focusComposer() { composer.focusInput() }

    ListView {
        id: list
        objectName: "messageList"
        anchors.fill: parent
        anchors.bottomMargin: 4
        model: page.chat.messages
        clip: true
        spacing: 2
        reuseItems: false
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}
        property bool followBottom: true

        delegate: MessageDelegate { chat: page.chat }

        onMovementEnded: followBottom = atYEnd
        onContentHeightChanged: if (followBottom) Qt.callLater(positionViewAtEnd)
        onCountChanged: if (followBottom) Qt.callLater(positionViewAtEnd)
        Connections {
            target: page.chat
            function onConversationOpened() { list.followBottom = true; Qt.callLater(list.positionViewAtEnd) }
            function onMessageSent() { list.followBottom = true; Qt.callLater(list.positionViewAtEnd) }
        }

        // Empty conversation: what to try.
        ColumnLayout {
            anchors.centerIn: parent
            visible: list.count === 0
            width: Math.min(parent.width - 40, 520)
            spacing: 12
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: page.chat.modelReady ? qsTr("Ask %1 something").arg(page.chat.modelName) : qsTr("No model is loaded")
                font.pointSize: Qt.application.font.pointSize * 1.6
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Flow {
                Layout.fillWidth: true
                spacing: 8
                visible: page.chat.canSend
                Repeater {
                    model: page.chat.suggestions
                    delegate: Button {
                        required property string modelData
                        text: modelData
                        flat: true
                        onClicked: page.chat.send(modelData)
                    }
                }
            }
        }
    }

    RoundButton {
        visible: !list.atYEnd && list.count > 0
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 16
        text: "↓"
        onClicked: { list.followBottom = true; list.positionViewAtEnd() }
        Accessible.name: qsTr("Scroll to the latest message")
    }

    footer: ColumnLayout {
        spacing: 0
        Pane {
            visible: page.chat.contextFull
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("This conversation has filled the model's context. Start a new chat, or drop the oldest turns to continue (they stay saved, they are only no longer sent to the model).")
                }
                Button { text: qsTr("New chat"); onClicked: page.chat.newConversation() }
                Button { text: qsTr("Drop oldest turns"); onClicked: page.chat.dropOldestTurns() }
            }
        }
        Composer {
            id: composer
            Layout.fillWidth: true
            chat: page.chat
            sendWithCtrlEnter: page.sendWithCtrlEnter
        }
    }
}
