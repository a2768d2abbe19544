import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// The model's chain of thought above its answer. While the model thinks: "Thinking… N s" with a
// live timer, the reasoning streaming in and an "Answer now" button; afterwards the model's label
// ("Thought for 3.2 seconds", "Stopped after thinking for 4.0 seconds"), collapsed unless the user
// opens it. The expanded state belongs to the message (the chat view keeps it), so toggling never
// resets when text arrives. The header is a button: Space or Enter toggles it from the keyboard.
// Where Ponder ended the thought (a thinking budget, "answer now", a loop) a mark says so at the
// end of the thought, and a loop the engine noticed is a warning at the top, open or closed.
Rectangle {
    id: panel

    required property string reasoning
    required property bool thinking          // still inside <think>
    required property string label           // once done (MessageListModel's thinkingLabel)
    required property double startedAt       // ms since epoch when thinking began (live timer)
    property bool expanded: false
    property bool tabbable: true
    property string mark: ""                 // what ended or extended the thought, one a line
    property string loopWarning: ""          // a loop the engine noticed
    property bool canAnswerNow: false        // thinking, and this is the answer being generated
    property bool answerNowAnswers: true     // false: a server, which can only be stopped
    signal toggleRequested()
    signal answerNowRequested()

    implicitHeight: content.implicitHeight
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border
    clip: true

    property int elapsed: 0
    Timer {
        interval: 250
        repeat: true
        running: panel.thinking
        triggeredOnStart: true
        onTriggered: panel.elapsed = Math.max(0, Math.round((Date.now() - panel.startedAt) / 1000))
    }

    ColumnLayout {
        id: content
        width: parent.width
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            spacing: 0

        AbstractButton {
            id: header
            objectName: "thinkingHeader"
            Layout.fillWidth: true
            focusPolicy: panel.tabbable ? Qt.StrongFocus : Qt.ClickFocus
            padding: 10
            leftPadding: 12
            text: panel.thinking ? qsTr("Thinking… %1 s").arg(panel.elapsed) : panel.label
            onClicked: panel.toggleRequested()
            Accessible.role: Accessible.Button
            Accessible.name: (panel.expanded ? qsTr("Hide reasoning: %1") : qsTr("Show reasoning: %1")).arg(text)
            background: Rectangle {
                radius: Theme.radius
                color: header.hovered || header.visualFocus ? Theme.hover : "transparent"
            }
            contentItem: RowLayout {
                spacing: 8
                ThemedIcon {
                    iconName: panel.expanded ? "chevron-down" : "chevron-right"
                    color: Theme.mutedText
                }
                Label {
                    objectName: "thinkingTitle"
                    Layout.fillWidth: true
                    text: header.text
                    font.italic: panel.thinking
                    color: Theme.mutedText
                    elide: Text.ElideRight
                }
            }
        }

            OutlineButton {
                id: answerNow
                objectName: "answerNowButton"
                visible: panel.canAnswerNow
                Layout.rightMargin: 8
                topPadding: 4
                bottomPadding: 4
                leftPadding: 10
                rightPadding: 10
                focusPolicy: panel.tabbable ? Qt.StrongFocus : Qt.ClickFocus
                text: panel.answerNowAnswers ? qsTr("Answer now") : qsTr("Stop thinking")
                font.pixelSize: Theme.bodyPixelSize - 2
                ToolTip.visible: hovered || visualFocus
                ToolTip.delay: 600
                ToolTip.text: panel.answerNowAnswers
                              ? qsTr("End the thought here: the model answers with what it has worked out")
                              : qsTr("This server cannot be asked to answer early: stopping ends the reply without an answer")
                onClicked: panel.answerNowRequested()
            }
        }

        // A loop the engine noticed: shown open or closed, as it matters before the reasoning does.
        Rectangle {
            objectName: "loopWarning"
            visible: panel.loopWarning.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            Layout.bottomMargin: 8
            implicitHeight: loopRow.implicitHeight + 12
            radius: Theme.radius - 2
            color: Qt.rgba(Theme.warning.r, Theme.warning.g, Theme.warning.b, 0.12)
            border.color: Theme.warning
            RowLayout {
                id: loopRow
                anchors.fill: parent
                anchors.margins: 6
                anchors.leftMargin: 10
                spacing: 8
                Label {
                    Layout.fillWidth: true
                    text: panel.canAnswerNow
                          ? qsTr("%1. The model may be stuck; Answer now ends the thought.").arg(panel.loopWarning)
                          : qsTr("%1.").arg(panel.loopWarning)
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText  // stored text, possibly imported: never markup
                    color: Theme.text
                    font.pixelSize: Theme.bodyPixelSize - 2
                    Accessible.role: Accessible.AlertMessage
                }
            }
        }

        TextEdit {
            id: body
            objectName: "thinkingBody"
            visible: panel.expanded && panel.reasoning.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            Layout.bottomMargin: 12
            text: panel.reasoning.trim()
            textFormat: TextEdit.PlainText
            wrapMode: TextEdit.Wrap
            readOnly: true
            selectByMouse: true
            color: Theme.mutedText
            selectionColor: Theme.accent
            selectedTextColor: Theme.onAccent
            font.pixelSize: Theme.bodyPixelSize - 1
            Accessible.name: qsTr("Reasoning")
        }

        // Where the thought was ended or extended by Ponder rather than by the model: at its end,
        // so an open panel shows the cut where it happened; a closed one still shows it.
        Label {
            objectName: "thoughtMark"
            visible: panel.mark.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            Layout.bottomMargin: 10
            text: panel.mark
            textFormat: Text.PlainText  // stored text, possibly imported: never markup
            wrapMode: Text.Wrap
            color: Theme.accentText
            font.pixelSize: Theme.bodyPixelSize - 2
            font.weight: Font.DemiBold
            leftPadding: 10
            background: Rectangle {
                width: 3
                height: parent.height
                radius: 1
                color: Theme.accent
            }
        }
    }
}
