import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// An eval run's test-time-scaling curve (ponder-cli eval --think-budgets ... --json), drawn as the
// CLI's --plot draws it, with the points as a table underneath.
PonderDialog {
    id: dialog
    objectName: "thinkingCurveDialog"

    title: curve.title.length > 0 ? qsTr("Thinking curve") : qsTr("Thinking curve: not shown")
    width: Math.min(parent ? parent.width - 48 : 820, 820)
    standardButtons: Dialog.Close

    function show(url) {
        curve.load(url)
        open()
    }

    ThinkingCurve { id: curve }

    contentItem: ColumnLayout {
        spacing: 12
        Image {
            objectName: "thinkingCurveImage"
            visible: curve.error.length === 0
            Layout.fillWidth: true
            // The plot's own proportions, smaller where the window is short, so the points below
            // and the Close button stay in view.
            Layout.preferredHeight: Math.min(width * 460 / 760, (dialog.parent ? dialog.parent.height : 600) - 280)
            source: curve.imageUrl
            sourceSize.width: 760 * 2
            fillMode: Image.PreserveAspectFit
            Accessible.role: Accessible.Graphic
            Accessible.name: curve.title
        }
        Label {
            objectName: "thinkingCurveError"
            visible: curve.error.length > 0
            Layout.fillWidth: true
            text: curve.error
            wrapMode: Text.Wrap
            color: Theme.text
        }
        Flow {
            visible: curve.error.length === 0
            Layout.fillWidth: true
            spacing: 16
            Repeater {
                model: curve.points
                Label {
                    required property var modelData
                    text: qsTr("%1: %2 at %3 tokens").arg(modelData.budget).arg(modelData.accuracy).arg(modelData.tokens)
                    color: Theme.mutedText
                    font.pixelSize: Theme.bodyPixelSize - 2
                }
            }
        }
    }
}
