import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// One message of the active branch. User messages sit right; assistant messages carry the
// thinking panel, the answer (Markdown prose and code blocks), a highlighted \boxed answer, a
// stats line and actions. All decisions (can regenerate, sibling paging) come from the model.
Item {
    id: root

    required property int index
    required property var messageId
    required property string role
    required property string content
    required property var answerBlocks
    required property string reasoning
    required property bool thinking
    required property real thinkingSeconds
    required property double thinkingStartedAt
    required property bool reasoningExpanded
    required property bool reasoningVisible
    required property string state
    required property string errorText
    required property int siblingIndex
    required property int siblingCount
    required property string statsText
    required property string boxedAnswer
    required property bool streaming

    required property ChatController chat
    property real contentWidth: width
    property bool editing: false

    readonly property bool isUser: role === "user"
    width: ListView.view ? ListView.view.width : 400
    implicitHeight: column.implicitHeight + 16

    ColumnLayout {
        id: column
        x: root.isUser ? root.width - width - 12 : 12
        y: 8
        width: root.isUser ? Math.min(root.width * 0.78, Math.max(userText.implicitWidth + 28, 160))
                           : Math.min(root.width - 24, 860)
        spacing: 6

        // --- user message
        Rectangle {
            visible: root.isUser && !root.editing
            Layout.fillWidth: true
            implicitHeight: userText.implicitHeight + 20
            radius: 10
            color: Qt.rgba(palette.highlight.r, palette.highlight.g, palette.highlight.b, 0.16)
            TextEdit {
                id: userText
                x: 12; y: 10
                width: parent.width - 24
                text: root.content
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: palette.text
                Accessible.name: qsTr("Your message")
            }
        }
        ColumnLayout {
            visible: root.editing
            Layout.fillWidth: true
            TextArea {
                id: editArea
                objectName: "editArea"
                Layout.fillWidth: true
                Layout.minimumWidth: 320
                wrapMode: TextEdit.Wrap
                Accessible.name: qsTr("Edit message")
                Keys.onEscapePressed: root.editing = false
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); flat: true; onClicked: root.editing = false }
                Button {
                    text: qsTr("Save and send")
                    highlighted: true
                    enabled: editArea.text.trim().length > 0 && root.chat.canSend
                    onClicked: { root.chat.editMessage(root.messageId, editArea.text); root.editing = false }
                }
            }
        }

        // --- assistant message
        ThinkingPanel {
            objectName: "thinkingPanel"
            visible: !root.isUser && root.reasoningVisible && (root.thinking || root.reasoning.length > 0)
            Layout.fillWidth: true
            reasoning: root.reasoning
            thinking: root.thinking
            seconds: root.thinkingSeconds
            startedAt: root.thinkingStartedAt
            expanded: root.reasoningExpanded
            onToggleRequested: root.chat.toggleReasoning(root.messageId)
        }
        Repeater {
            model: root.isUser ? [] : root.answerBlocks
            delegate: Loader {
                required property var modelData
                Layout.fillWidth: true
                sourceComponent: modelData.kind === "code" ? codeComponent : proseComponent
                Component {
                    id: proseComponent
                    TextEdit {
                        text: modelData.text
                        textFormat: TextEdit.MarkdownText
                        wrapMode: TextEdit.Wrap
                        readOnly: true
                        selectByMouse: true
                        color: palette.text
                        onLinkActivated: (link) => Qt.openUrlExternally(link)
                        Accessible.name: qsTr("Answer")
                    }
                }
                Component {
                    id: codeComponent
                    CodeBlock {
                        code: modelData.text
                        language: modelData.language
                        onCopyRequested: (text) => root.chat.copyText(text)
                    }
                }
            }
        }
        Rectangle {
            objectName: "boxedAnswer"
            visible: !root.isUser && root.boxedAnswer.length > 0 && !root.streaming
            implicitWidth: boxedLabel.implicitWidth + 20
            implicitHeight: boxedLabel.implicitHeight + 10
            radius: 6
            color: Qt.rgba(0.18, 0.62, 0.36, 0.18)
            border.color: "#2e9d5b"
            Label {
                id: boxedLabel
                anchors.centerIn: parent
                text: qsTr("Answer: %1").arg(root.boxedAnswer)
                font.bold: true
            }
            Accessible.name: boxedLabel.text
        }
        Label {
            objectName: "errorText"
            visible: root.errorText.length > 0
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: root.state === "error" ? "#c0392b" : palette.text
            opacity: root.state === "error" ? 1 : 0.7
            text: root.errorText
        }
        BusyIndicator {
            visible: root.streaming && !root.thinking && root.content.length === 0
            running: visible
            implicitWidth: 28; implicitHeight: 28
        }

        // --- actions and stats
        RowLayout {
            objectName: "messageActions"
            spacing: 2
            Layout.alignment: root.isUser ? Qt.AlignRight : Qt.AlignLeft
            visible: !root.streaming && !root.editing
            opacity: hover.hovered || root.siblingCount > 1 ? 1 : 0.55

            ToolButton {
                objectName: "previousSiblingButton"
                visible: root.siblingCount > 1
                text: "‹"
                enabled: root.siblingIndex > 0 && root.chat.canSwitchBranch
                onClicked: root.chat.showSibling(root.messageId, -1)
                Accessible.name: qsTr("Previous version")
            }
            Label {
                objectName: "siblingLabel"
                visible: root.siblingCount > 1
                text: qsTr("%1/%2").arg(root.siblingIndex + 1).arg(root.siblingCount)
            }
            ToolButton {
                objectName: "nextSiblingButton"
                visible: root.siblingCount > 1
                text: "›"
                enabled: root.siblingIndex + 1 < root.siblingCount && root.chat.canSwitchBranch
                onClicked: root.chat.showSibling(root.messageId, 1)
                Accessible.name: qsTr("Next version")
            }
            ToolButton {
                objectName: "copyMessageButton"
                text: qsTr("Copy")
                onClicked: root.chat.copyText(root.content)
                Accessible.name: qsTr("Copy message")
            }
            ToolButton {
                objectName: "editButton"
                visible: root.isUser
                text: qsTr("Edit")
                enabled: root.chat.canSend
                onClicked: { editArea.text = root.content; root.editing = true; editArea.forceActiveFocus() }
                Accessible.name: qsTr("Edit message")
            }
            ToolButton {
                objectName: "regenerateButton"
                visible: !root.isUser
                text: qsTr("Regenerate")
                enabled: root.chat.canSend
                onClicked: root.chat.regenerate(root.messageId)
                Accessible.name: qsTr("Regenerate answer")
            }
            ToolButton {
                objectName: "deleteButton"
                text: qsTr("Delete")
                enabled: !root.chat.generating
                onClicked: root.chat.deleteMessage(root.messageId)
                Accessible.name: qsTr("Delete message")
            }
            Label {
                visible: !root.isUser && root.statsText.length > 0
                text: root.statsText
                opacity: 0.6
                font.pointSize: Qt.application.font.pointSize * 0.85
                Layout.leftMargin: 8
            }
        }
    }
    HoverHandler { id: hover }
}
