import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Where the user writes: a rounded box in the reading column with a round send button. Enter
// sends and Shift+Enter starts a new line (or Ctrl+Enter sends, per Settings); Tab moves on
// (Ctrl+Tab types a tab); while the model writes the button is Stop (Esc works too). It grows
// with the text up to eight whole lines, then scrolls inside its frame. When sending is not
// possible, the reason is shown instead of a dead button. Under it, the conversation's thinking
// budget.
Item {
    id: composer

    required property ChatController chat
    property bool sendWithCtrlEnter: false
    property bool tabInsertsTab: false
    function focusInput() { input.forceActiveFocus() }

    readonly property int maxLines: 8
    implicitHeight: column.implicitHeight + 24

    FontMetrics { id: metrics; font: input.font }

    ColumnLayout {
        id: column
        // In the reading column, whatever the page width (a width from the parent, never from
        // the content, so it is right from the first frame).
        width: Math.max(200, Math.min(Theme.readingWidth, composer.width - 48))
        x: Math.round((composer.width - width) / 2)
        y: 8
        spacing: 6

        Label {
            objectName: "sendBlockedReason"
            visible: !composer.chat.canSend && !composer.chat.generating && composer.chat.sendBlockedReason.length > 0
            text: composer.chat.sendBlockedReason
            color: Theme.mutedText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Rectangle {
            objectName: "composerFrame"
            Layout.fillWidth: true
            implicitHeight: Math.max(scroll.height, sendButton.height) + 12
            radius: 22
            color: Theme.surface
            border.width: input.activeFocus ? 2 : 1
            border.color: input.activeFocus ? Theme.accentText : Theme.border

            ScrollView {
                id: scroll
                objectName: "composerScroll"
                x: 8
                y: 6
                width: parent.width - sendButton.width - 24
                // Whole lines only: a scrolled box never shows half a line at its top.
                height: Math.min(input.implicitHeight,
                                 input.topPadding + input.bottomPadding + composer.maxLines * Math.ceil(metrics.lineSpacing))
                clip: true
                TextArea {
                    id: input
                    objectName: "composerInput"
                    placeholderText: composer.sendWithCtrlEnter ? qsTr("Message (Ctrl+Enter to send)")
                                                                : qsTr("Message (Enter to send, Shift+Enter for a new line)")
                    placeholderTextColor: Theme.mutedText
                    color: Theme.text
                    selectionColor: Theme.accent
                    selectedTextColor: Theme.onAccent
                    font.pixelSize: Theme.bodyPixelSize
                    wrapMode: TextEdit.Wrap
                    topPadding: 9
                    bottomPadding: 9
                    leftPadding: 8
                    rightPadding: 8
                    background: null
                    Accessible.name: qsTr("Message")
                    Keys.onPressed: event => {
                        if (event.key === Qt.Key_Escape) {
                            if (composer.chat.generating) {
                                composer.chat.stop()
                                event.accepted = true
                            }
                            return
                        }
                        switch (KeyRouting.action(event.key, event.modifiers, composer.sendWithCtrlEnter, composer.tabInsertsTab)) {
                        case KeyRouting.FocusNext:
                            sendButton.enabled ? sendButton.forceActiveFocus(Qt.TabFocusReason)
                                               : input.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                            break
                        case KeyRouting.FocusPrevious:
                            input.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                            break
                        case KeyRouting.InsertTab:
                            input.insert(input.cursorPosition, "\t")
                            break
                        case KeyRouting.Send:
                            composer.trySend()
                            break
                        default:
                            return
                        }
                        event.accepted = true
                    }
                }
            }
            RoundButton {
                id: sendButton
                objectName: "sendButton"
                anchors.right: parent.right
                anchors.rightMargin: 8
                anchors.bottom: parent.bottom
                anchors.bottomMargin: 7
                width: 38
                height: 38
                padding: 0
                topInset: 0
                bottomInset: 0
                leftInset: 0
                rightInset: 0
                text: composer.chat.generating ? qsTr("Stop") : qsTr("Send")
                display: AbstractButton.IconOnly
                icon.source: Theme.icon(composer.chat.generating ? "stop" : "send")
                icon.width: 18
                icon.height: 18
                icon.color: enabled ? Theme.onAccent : Theme.mutedText
                enabled: composer.chat.generating || (composer.chat.canSend && input.text.trim().length > 0)
                onClicked: composer.chat.generating ? composer.chat.stop() : composer.trySend()
                Accessible.name: composer.chat.generating ? qsTr("Stop generating") : qsTr("Send message")
                ToolTip.visible: (hovered || visualFocus)
                ToolTip.text: composer.chat.generating ? qsTr("Stop (Esc)")
                                                       : composer.sendWithCtrlEnter ? qsTr("Send (Ctrl+Enter)") : qsTr("Send (Enter)")
                background: Rectangle {
                    radius: width / 2
                    color: sendButton.enabled ? (sendButton.down ? Qt.darker(Theme.accent, 1.2) : Theme.accent) : Theme.hover
                }
            }
        }
        ThinkingBudgetPicker {
            objectName: "thinkingBudgetPicker"
            chat: composer.chat
            Layout.leftMargin: 4
        }
    }

    function trySend() {
        if (!chat.canSend || input.text.trim().length === 0)
            return
        chat.send(input.text)
        input.text = ""
    }
}
