import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// One local model: what it is, whether it fits, what is wrong with it, and what can be done.
Card {
    id: card

    required property ModelLoader loader
    required property string name
    required property string path
    required property string architecture
    required property string parameterCount
    required property string quantization
    required property real fileSize
    required property real contextLength
    required property int chosenContext
    required property real memoryNeeded
    required property real memoryAvailable
    required property real memoryTotal
    required property int memoryFit
    required property string gpuName
    required property real gpuMemory
    required property real gpuNeeded
    required property int gpuLayers
    required property int layerCount
    required property bool gpuFits
    required property string placement
    required property string source
    required property string error
    required property bool isLoaded
    required property bool inUse
    required property string badge
    required property bool reading
    required property bool removable
    required property bool canLoad
    required property bool isLoading
    required property int fileCount      // a split set's files; 1 for one file
    required property bool showPlan      // the planner's view: full R1 (deepseek2), or too big here

    signal settingsRequested(string path, string name)
    signal removeRequested(string path)

    Accessible.role: Accessible.ListItem
    Accessible.name: name

    ColumnLayout {
        anchors.fill: parent
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: card.name
                font.bold: true
                elide: Text.ElideMiddle
            }
            Label {
                objectName: "modelBadge"
                text: card.badge
                color: Theme.text
                font.pixelSize: Theme.smallPixelSize
                padding: 3
                leftPadding: 8
                rightPadding: 8
                background: Rectangle {
                    radius: 8
                    color: card.inUse ? Theme.selected : Theme.hover
                    border.color: card.inUse ? Theme.accentText : "transparent"
                }
            }
        }
        Label {
            Layout.fillWidth: true
            visible: !card.reading
            color: Theme.mutedText
            elide: Text.ElideRight
            text: {
                let parts = []
                for (const part of [card.architecture, card.parameterCount, card.quantization,
                                    Qt.locale().formattedDataSize(card.fileSize, 1)])
                    if (part.length > 0) parts.push(part)
                if (card.fileCount > 1)
                    parts.push(qsTr("%1 files").arg(card.fileCount))
                if (card.contextLength > 0)
                    parts.push(qsTr("context %1 of %2 tokens").arg(card.chosenContext).arg(card.contextLength))
                return parts.join(" · ")
            }
        }
        Label {
            visible: card.reading
            text: qsTr("Reading the model's header…")
            color: Theme.mutedText
        }
        MemoryBar {
            Layout.fillWidth: true
            visible: !card.reading && card.error.length === 0
            needed: card.memoryNeeded
            available: card.memoryAvailable
            total: card.memoryTotal
            fit: card.memoryFit
            gpuName: card.gpuName
            gpuTotal: card.gpuMemory
            gpuNeeded: card.gpuNeeded
            gpuLayers: card.gpuLayers
            layerCount: card.layerCount
            gpuFits: card.gpuFits
        }
        RowLayout {
            Layout.fillWidth: true
            visible: card.error.length > 0
            Label {
                Layout.fillWidth: true
                text: card.error
                wrapMode: Text.WordWrap
                color: Theme.error
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            // Whatever went wrong on the GPU (its memory, its driver), the CPU remains.
            OutlineButton {
                objectName: "loadOnCpu"
                visible: card.loader.failedOnGpu && card.loader.loadingPath === card.path
                text: qsTr("Load on the CPU")
                onClicked: card.loader.loadOnCpu(card.path)
                Accessible.name: qsTr("Load %1 on the CPU instead").arg(card.name)
            }
        }
        ModelPlanPanel {
            objectName: "modelPlan"
            Layout.fillWidth: true
            visible: card.showPlan
            path: card.path
            modelName: card.name
            contextLength: card.chosenContext
            memoryAvailable: card.memoryAvailable
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: card.isLoading
            indeterminate: !card.loader.progressKnown
            value: card.loader.progress
            Accessible.name: qsTr("Loading %1").arg(card.name)
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: card.path
                elide: Text.ElideMiddle
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
            }
            OutlineButton {
                visible: card.isLoading
                text: qsTr("Cancel")
                onClicked: card.loader.cancel()
                Accessible.name: qsTr("Cancel loading %1").arg(card.name)
            }
            OutlineButton {
                visible: !card.isLoading
                enabled: card.isLoaded || card.canLoad
                text: card.isLoaded ? qsTr("Unload") : qsTr("Load")
                highlighted: !card.isLoaded
                onClicked: card.isLoaded ? card.loader.unload() : card.loader.load(card.path)
                Accessible.name: card.isLoaded ? qsTr("Unload %1").arg(card.name) : qsTr("Load %1").arg(card.name)
            }
            OutlineButton {
                text: qsTr("Settings…")
                enabled: !card.reading
                onClicked: card.settingsRequested(card.path, card.name)
                Accessible.name: qsTr("Settings of %1").arg(card.name)
            }
            OutlineButton {
                visible: card.removable
                text: qsTr("Remove")
                onClicked: card.removeRequested(card.path)
                Accessible.name: card.fileCount > 1
                                 ? qsTr("Remove %1 from the list (its %2 files stay on disk)").arg(card.name).arg(card.fileCount)
                                 : qsTr("Remove %1 from the list (the file stays on disk)").arg(card.name)
                ToolTip.visible: hovered
                ToolTip.text: card.fileCount > 1
                              ? qsTr("Removes this model from the list; all %1 of its files stay on disk.").arg(card.fileCount)
                              : qsTr("Removes it from this list; the file stays on disk.")
            }
        }
    }
}
