import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Under a message: paging between its versions (‹ 1/2 ›), copy, edit (questions), regenerate
// (answers), delete, and an answer's stats. The icon buttons fade in on hover and on keyboard
// focus (they stay in the layout, so nothing moves); each has a tooltip and an accessible name.
RowLayout {
    id: actions

    required property ChatController chat
    required property var messageId
    required property string content
    required property bool isUser
    required property int siblingIndex
    required property int siblingCount
    required property string statsText
    property bool reveal: false
    property bool tabbable: true
    signal editRequested()

    readonly property bool shown: reveal || siblingCount > 1 || previous.activeFocus || next.activeFocus
                                  || copy.activeFocus || edit.activeFocus || regenerate.activeFocus || remove.activeFocus
    spacing: 2

    component ActionButton: IconButton {
        focusPolicy: actions.tabbable ? Qt.StrongFocus : Qt.ClickFocus
        opacity: actions.shown ? (enabled ? 1 : 0.5) : 0
        Behavior on opacity { NumberAnimation { duration: 120 } }
    }

    Item { visible: actions.isUser; Layout.fillWidth: true }
    ActionButton {
        id: previous
        objectName: "previousSiblingButton"
        visible: actions.siblingCount > 1
        iconName: "chevron-left"
        text: qsTr("Previous version")
        enabled: actions.siblingIndex > 0 && actions.chat.canSwitchBranch
        onClicked: actions.chat.showSibling(actions.messageId, -1)
    }
    Label {
        objectName: "siblingLabel"
        visible: actions.siblingCount > 1
        text: qsTr("%1/%2").arg(actions.siblingIndex + 1).arg(actions.siblingCount)
        color: Theme.mutedText
        font.pixelSize: Theme.smallPixelSize
    }
    ActionButton {
        id: next
        objectName: "nextSiblingButton"
        visible: actions.siblingCount > 1
        iconName: "chevron-right"
        text: qsTr("Next version")
        enabled: actions.siblingIndex + 1 < actions.siblingCount && actions.chat.canSwitchBranch
        onClicked: actions.chat.showSibling(actions.messageId, 1)
    }
    ActionButton {
        id: copy
        objectName: "copyMessageButton"
        iconName: copied ? "check" : "copy"
        property bool copied: false
        text: copied ? qsTr("Copied") : qsTr("Copy")
        onClicked: { actions.chat.copyText(actions.content); copied = true; copiedTimer.restart() }
        Timer { id: copiedTimer; interval: 1500; onTriggered: copy.copied = false }
    }
    ActionButton {
        id: edit
        objectName: "editButton"
        visible: actions.isUser
        iconName: "edit"
        text: qsTr("Edit")
        enabled: actions.chat.canSend
        onClicked: actions.editRequested()
    }
    ActionButton {
        id: regenerate
        objectName: "regenerateButton"
        visible: !actions.isUser
        iconName: "regenerate"
        text: qsTr("Regenerate")
        enabled: actions.chat.canSend
        onClicked: actions.chat.regenerate(actions.messageId)
    }
    ActionButton {
        id: remove
        objectName: "deleteButton"
        iconName: "delete"
        text: actions.isUser ? qsTr("Delete this question and its answers") : qsTr("Delete this answer")
        enabled: !actions.chat.generating
        onClicked: actions.chat.deleteMessage(actions.messageId)
    }
    Label {
        objectName: "statsText"
        visible: !actions.isUser && actions.statsText.length > 0
        Layout.fillWidth: true
        Layout.leftMargin: 6
        text: actions.statsText
        color: Theme.mutedText
        font.pixelSize: Theme.smallPixelSize
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignLeft
    }
}
