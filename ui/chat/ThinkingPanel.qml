import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// The model's chain of thought above its answer. While the model thinks: "Thinking… N s" with a
// live timer and the reasoning streaming in; afterwards the model's label ("Thought for 3.2
// seconds", "Stopped after thinking for 4.0 seconds"), collapsed unless the user opens it. The
// expanded state belongs to the message (the chat view keeps it), so toggling never resets when
// text arrives. The header is a button: Space or Enter toggles it from the keyboard.
Rectangle {
    id: panel

    required property string reasoning
    required property bool thinking          // still inside <think>
    required property string label           // once done (MessageListModel's thinkingLabel)
    required property double startedAt       // ms since epoch when thinking began (live timer)
    property bool expanded: false
    property bool tabbable: true
    signal toggleRequested()

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
    }
}
