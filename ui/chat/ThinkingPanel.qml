import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The model's chain of thought above its answer. While the model thinks: "Thinking…" with a live
// timer and the reasoning streaming in; afterwards "Thought for N seconds", collapsed unless the
// user opens it. The expanded state belongs to the message (the chat view keeps it), so toggling
// never resets when text arrives.
Pane {
    id: panel

    required property string reasoning
    required property bool thinking          // still inside <think>
    required property real seconds           // reasoning duration once done
    required property double startedAt       // ms since epoch when thinking began (live timer)
    property bool expanded: false
    signal toggleRequested()

    padding: 0
    background: Rectangle {
        radius: 8
        color: palette.alternateBase
        border.color: palette.mid
        border.width: 1
        opacity: 0.9
    }

    property int elapsed: 0
    Timer {
        interval: 250
        repeat: true
        running: panel.thinking
        triggeredOnStart: true
        onTriggered: panel.elapsed = Math.max(0, Math.round((Date.now() - panel.startedAt) / 1000))
    }

    function headerText() {
        if (thinking)
            return qsTr("Thinking… %1 s").arg(elapsed)
        const s = Math.max(1, Math.round(seconds))
        return s === 1 ? qsTr("Thought for 1 second") : qsTr("Thought for %1 seconds").arg(s)
    }

    clip: true
    contentItem: ColumnLayout {
        spacing: 0

        ItemDelegate {
            id: header
            objectName: "thinkingHeader"
            Layout.fillWidth: true
            text: (panel.expanded ? "▾  " : "▸  ") + panel.headerText()
            font.italic: panel.thinking
            onClicked: panel.toggleRequested()
            Accessible.name: panel.expanded ? qsTr("Hide reasoning") : qsTr("Show reasoning")
            Accessible.role: Accessible.Button
        }

        TextEdit {
            id: body
            objectName: "thinkingBody"
            visible: panel.expanded && panel.reasoning.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: 14
            Layout.rightMargin: 14
            Layout.bottomMargin: 10
            text: panel.reasoning.trim()
            textFormat: TextEdit.PlainText
            wrapMode: TextEdit.Wrap
            readOnly: true
            selectByMouse: true
            color: palette.text
            opacity: 0.75
            font.pointSize: Qt.application.font.pointSize * 0.95
            Accessible.name: qsTr("Reasoning")
        }
    }
}
