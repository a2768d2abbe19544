import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Where the user writes. Enter sends and Shift+Enter starts a new line (or Ctrl+Enter sends, per
// the settings); while the model writes, the button becomes Stop (Esc works too). When sending is
// not possible, the reason is shown instead of a dead button.
Pane {
    id: composer

    required property ChatController chat
    property bool sendWithCtrlEnter: false
    function focusInput() { input.forceActiveFocus() }

    padding: 10

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        Label {
            objectName: "sendBlockedReason"
            visible: !composer.chat.canSend && !composer.chat.generating && composer.chat.sendBlockedReason.length > 0
            text: composer.chat.sendBlockedReason
            opacity: 0.75
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 200)
                TextArea {
                    id: input
                    objectName: "composerInput"
                    placeholderText: composer.sendWithCtrlEnter ? qsTr("Message (Ctrl+Enter to send)")
                                                                : qsTr("Message (Enter to send, Shift+Enter for a new line)")
                    wrapMode: TextEdit.Wrap
                    Accessible.name: qsTr("Message")
                    Keys.onPressed: (event) => {
                        if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter) {
                            if (event.key === Qt.Key_Escape && composer.chat.generating) {
                                composer.chat.stop()
                                event.accepted = true
                            }
                            return
                        }
                        const ctrl = (event.modifiers & Qt.ControlModifier) !== 0
                        const shift = (event.modifiers & Qt.ShiftModifier) !== 0
                        const wantsSend = composer.sendWithCtrlEnter ? ctrl : !shift && !ctrl
                        if (wantsSend) {
                            composer.trySend()
                            event.accepted = true
                        }
                    }
                }
            }
            Button {
                id: sendButton
                objectName: "sendButton"
                text: composer.chat.generating ? qsTr("Stop") : qsTr("Send")
                highlighted: !composer.chat.generating
                enabled: composer.chat.generating || (composer.chat.canSend && input.text.trim().length > 0)
                onClicked: composer.chat.generating ? composer.chat.stop() : composer.trySend()
                Accessible.name: composer.chat.generating ? qsTr("Stop generating") : qsTr("Send message")
            }
        }
    }

    function trySend() {
        if (!chat.canSend || input.text.trim().length === 0)
            return
        chat.send(input.text)
        input.text = ""
    }
}
