import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// One message of the active branch, in the centred reading column. User messages sit right in a
// bubble; assistant messages carry the thinking panel, the answer (rich text and code blocks made
// in C++: chat/answer_html), a highlighted \boxed answer, the stats and the actions. All decisions
// (can regenerate, sibling paging, labels) come from the model and the controller.
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
    required property string thinkingLabel
    required property bool reasoningExpanded
    required property bool reasoningVisible
    required property string state
    required property string errorText
    required property int siblingIndex
    required property int siblingCount
    required property string statsText
    required property string boxedAnswer
    required property bool streaming
    required property string thoughtMark
    required property string loopWarning

    required property ChatController chat
    property bool sendWithCtrlEnter: false
    property bool tabInsertsTab: false
    property bool editing: false
    // The editor closed (saved and sent, or cancelled): the view decides where the focus goes.
    signal editClosed(bool saved)

    readonly property bool isUser: role === "user"
    // The message the list's keyboard cursor is on (Up/Down while the list has focus: the list, a
    // focus scope, hands it to its current message itself, not to one of its buttons or editor).
    readonly property bool keyboardCurrent: ListView.isCurrentItem && Window.activeFocusItem === root
    // Only the list's current message is in the Tab order (Up/Down choose it), so Tab goes from
    // the list to that message's buttons and on to the composer, not through every message.
    readonly property bool tabbable: ListView.view === null || ListView.isCurrentItem
    readonly property real columnWidth: Math.max(200, Math.min(Theme.readingWidth, width - 48))

    width: ListView.view ? ListView.view.width : 400
    implicitHeight: column.implicitHeight + 8

    function startEditing() {
        editor.text = root.content
        root.editing = true
        editor.focusInput()
    }

    Accessible.role: Accessible.ListItem
    Accessible.name: isUser ? qsTr("You: %1").arg(content) : qsTr("Answer")

    // The keyboard cursor of the message list.
    Rectangle {
        objectName: "messageCursor"
        visible: root.keyboardCurrent
        x: column.x - 8
        width: column.width + 16
        height: parent.height
        radius: Theme.radius
        color: "transparent"
        border.width: 2
        border.color: Theme.accentText
    }

    ColumnLayout {
        id: column
        x: Math.round((root.width - width) / 2)
        y: 4
        width: root.columnWidth
        spacing: 8

        // --- user message
        Rectangle {
            objectName: "userBubble"
            visible: root.isUser && !root.editing
            Layout.alignment: Qt.AlignRight
            Layout.preferredWidth: Math.min(userText.implicitWidth + 32, column.width * 0.85)
            implicitHeight: userText.implicitHeight + 20
            radius: 16
            color: Theme.userBubble
            TextEdit {
                id: userText
                x: 16; y: 10
                width: parent.width - 32
                text: root.content
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.onAccent
                font.pixelSize: Theme.bodyPixelSize
                Accessible.name: qsTr("Your message")
            }
        }
        MessageEditor {
            id: editor
            objectName: "messageEditor"
            visible: root.editing
            Layout.fillWidth: true
            sendWithCtrlEnter: root.sendWithCtrlEnter
            tabInsertsTab: root.tabInsertsTab
            canSave: root.chat.canSend
            // The focus moves on before the edit reloads the list (which replaces this delegate).
            onSaveRequested: text => {
                const chat = root.chat, id = root.messageId
                root.editing = false
                root.editClosed(true)
                chat.editMessage(id, text)
            }
            onCancelRequested: { root.editing = false; root.editClosed(false) }
        }

        // --- assistant message
        ThinkingPanel {
            objectName: "thinkingPanel"
            visible: !root.isUser && root.reasoningVisible && (root.thinking || root.reasoning.length > 0)
            Layout.fillWidth: true
            reasoning: root.reasoning
            thinking: root.thinking
            label: root.thinkingLabel
            startedAt: root.thinkingStartedAt
            expanded: root.reasoningExpanded
            tabbable: root.tabbable
            mark: root.thoughtMark
            loopWarning: root.loopWarning
            canAnswerNow: root.thinking && root.streaming
            answerNowAnswers: root.chat.answerNowAnswers
            onToggleRequested: root.chat.toggleReasoning(root.messageId)
            onAnswerNowRequested: root.chat.answerNow()
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
                        objectName: "answerText"
                        text: modelData.html
                        textFormat: TextEdit.RichText
                        wrapMode: TextEdit.Wrap
                        readOnly: true
                        selectByMouse: true
                        color: Theme.text
                        selectionColor: Theme.accent
                        selectedTextColor: Theme.onAccent
                        font.pixelSize: Theme.bodyPixelSize
                        onLinkActivated: link => Qt.openUrlExternally(link)
                        Accessible.name: qsTr("Answer")
                        HoverHandler { cursorShape: parent.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.IBeamCursor }
                    }
                }
                Component {
                    id: codeComponent
                    CodeBlock {
                        code: modelData.text
                        html: modelData.html
                        language: modelData.language
                        tabbable: root.tabbable
                        onCopyRequested: text => root.chat.copyText(text)
                    }
                }
            }
        }
        Rectangle {
            objectName: "boxedAnswer"
            visible: !root.isUser && root.boxedAnswer.length > 0 && !root.streaming
            Layout.maximumWidth: column.width
            implicitWidth: boxedLabel.implicitWidth + 24
            implicitHeight: boxedLabel.implicitHeight + 12
            radius: 8
            color: Theme.surface
            border.color: Theme.success
            border.width: 1.5
            Label {
                id: boxedLabel
                anchors.centerIn: parent
                width: Math.min(implicitWidth, column.width - 24)
                text: qsTr("Answer: %1").arg(root.boxedAnswer)
                font.pixelSize: Theme.bodyPixelSize
                font.weight: Font.DemiBold
                color: Theme.text
                wrapMode: Text.Wrap
            }
            Accessible.role: Accessible.StaticText
            Accessible.name: boxedLabel.text
        }
        Label {
            objectName: "errorText"
            visible: root.errorText.length > 0
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: root.state === "error" ? Theme.error : Theme.mutedText
            text: root.errorText
        }
        BusyIndicator {
            visible: root.streaming && !root.thinking && root.content.length === 0
            running: visible
            implicitWidth: 28; implicitHeight: 28
        }
        MessageActions {
            objectName: "messageActions"
            Layout.fillWidth: true
            visible: !root.streaming && !root.editing
            chat: root.chat
            messageId: root.messageId
            content: root.content
            isUser: root.isUser
            siblingIndex: root.siblingIndex
            siblingCount: root.siblingCount
            statsText: root.statsText
            tabbable: root.tabbable
            // Shown under the latest message, and on hover, keyboard focus or the list's cursor.
            reveal: hover.hovered || root.keyboardCurrent || (root.ListView.view !== null && root.index === root.ListView.view.count - 1)
            onEditRequested: root.startEditing()
        }
    }
    HoverHandler { id: hover }
}
