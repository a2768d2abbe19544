import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Where a model would go (the engine's planner): for this computer, or for the devices typed in
// the field ("cuda:24GiB+cpu:512GiB"): fits or how much is missing, the strategy, each device
// with what it holds and its memory, the KV cache at the model's context, the predicted speed.
// ModelPlanner does the work and the wording; this only lays it out.
ColumnLayout {
    id: panel

    required property string path
    required property string modelName
    required property int contextLength
    required property real memoryAvailable

    readonly property alias planner: planner

    spacing: 4

    function size(bytes) { return Qt.locale().formattedDataSize(bytes, 1) }

    ModelPlanner {
        id: planner
        path: panel.visible ? panel.path : ""
        contextLength: panel.contextLength
        memoryAvailable: panel.memoryAvailable
    }

    Rectangle {  // sets the plan apart from the model's own figures above
        Layout.fillWidth: true
        Layout.topMargin: 4
        Layout.bottomMargin: 2
        implicitHeight: 1
        color: Theme.border
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        Label {
            text: qsTr("Plan")
            font.bold: true
        }
        Label {
            objectName: "planVerdict"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            visible: text.length > 0
            text: planner.error.length > 0 ? "" : planner.verdict
            font.bold: true
            color: planner.fits ? Theme.success : Theme.error
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            visible: !planner.ready && planner.error.length === 0
            text: qsTr("Planning…")
            color: Theme.mutedText
        }
        BusyIndicator {
            running: planner.busy
            visible: running
            implicitHeight: 20
            implicitWidth: 20
            Accessible.name: qsTr("Planning")
        }
    }
    Label {  // (another machine's spec is in the verdict)
        Layout.fillWidth: true
        visible: planner.devices.length === 0
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallPixelSize
        color: Theme.mutedText
        text: qsTr("For this computer: its CPU with the %1 of memory free now.").arg(panel.size(Math.max(panel.memoryAvailable, 0)))
    }
    Label {
        objectName: "planError"
        Layout.fillWidth: true
        visible: planner.error.length > 0
        text: planner.error
        wrapMode: Text.WordWrap
        color: Theme.error
        Accessible.role: Accessible.AlertMessage
        Accessible.name: text
    }
    Label {
        Layout.fillWidth: true
        visible: text.length > 0
        text: planner.strategyText
        wrapMode: Text.WordWrap
    }
    Repeater {
        model: planner.deviceRows
        delegate: ColumnLayout {
            required property var modelData
            Layout.fillWidth: true
            Layout.leftMargin: 12
            spacing: 0
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: qsTr("%1: %2").arg(modelData.name).arg(modelData.holds)
                font.family: Theme.monoFamily
                font.pixelSize: Theme.smallPixelSize
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: modelData.usage
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
            }
        }
    }
    Label {
        objectName: "planWhy"
        Layout.fillWidth: true
        visible: planner.ready && !planner.fits && text.length > 0
        // The engine's reason, as a sentence.
        text: planner.why.length > 0 ? planner.why.charAt(0).toUpperCase() + planner.why.slice(1) + "." : ""
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallPixelSize
        color: Theme.mutedText
    }
    Label {
        objectName: "planKv"
        Layout.fillWidth: true
        visible: planner.ready
        text: planner.kvText + " · " + planner.modelText
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallPixelSize
        color: Theme.mutedText
    }
    Label {
        objectName: "planSpeed"
        Layout.fillWidth: true
        visible: text.length > 0
        text: planner.speedText
        wrapMode: Text.WordWrap
        font.pixelSize: Theme.smallPixelSize
    }
    // Another machine: a device spec, planned when Enter or the button is pressed, or one of a
    // few common shapes in one click.
    RowLayout {
        Layout.fillWidth: true
        Layout.topMargin: 2
        TextField {
            id: specField
            objectName: "planDevicesField"
            Layout.fillWidth: true
            Layout.maximumWidth: 420
            placeholderText: qsTr("Another machine, e.g. cuda:24GiB+cpu:512GiB")
            placeholderTextColor: Theme.mutedText
            color: Theme.text
            font.pixelSize: Theme.smallPixelSize
            selectByMouse: true
            onAccepted: planner.devices = text
            Keys.onEscapePressed: { text = ""; planner.devices = "" }
            Accessible.name: qsTr("Devices to plan %1 for, such as cuda:24GiB+cpu:512GiB").arg(panel.modelName)
            ToolTip.visible: hovered && !activeFocus
            ToolTip.text: qsTr("Devices joined by +, each KIND:MEMORY (cpu, cuda, vulkan); 8xcuda:80GiB for eight of one kind. This computer is %1.").arg(planner.machineDevices)
        }
        OutlineButton {
            text: qsTr("Plan")
            enabled: specField.text.trim().length > 0 && specField.text.trim() !== planner.devices
            onClicked: planner.devices = specField.text
            Accessible.name: qsTr("Plan %1 for these devices").arg(panel.modelName)
        }
        OutlineButton {
            visible: planner.devices.length > 0
            text: qsTr("This computer")
            onClicked: { specField.text = ""; planner.devices = "" }
            Accessible.name: qsTr("Plan %1 for this computer again").arg(panel.modelName)
        }
        Item { Layout.fillWidth: true }
    }
    Flow {
        Layout.fillWidth: true
        spacing: 4
        Label {
            text: qsTr("Try:")
            font.pixelSize: Theme.smallPixelSize
            color: Theme.mutedText
            height: 26
            verticalAlignment: Text.AlignVCenter
        }
        Repeater {
            model: [
                { label: qsTr("512 GiB of RAM"), spec: "cpu:512GiB" },
                { label: qsTr("a 24 GiB GPU and 512 GiB of RAM"), spec: "cuda:24GiB+cpu:512GiB" },
                { label: qsTr("8 GPUs of 80 GiB"), spec: "8xcuda:80GiB" },
            ]
            delegate: AbstractButton {
                id: preset
                required property var modelData
                text: modelData.label
                implicitWidth: presetLabel.implicitWidth + 16
                implicitHeight: 26
                checked: planner.devices === modelData.spec
                onClicked: { specField.text = modelData.spec; planner.devices = modelData.spec }
                Accessible.name: qsTr("Plan %1 for %2 (%3)").arg(panel.modelName).arg(modelData.label).arg(modelData.spec)
                contentItem: Label {
                    id: presetLabel
                    text: preset.text
                    font.pixelSize: Theme.smallPixelSize
                    color: Theme.accentText
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                background: Rectangle {
                    radius: 13
                    color: preset.checked ? Theme.selected : preset.down ? Theme.border
                         : preset.hovered || preset.visualFocus ? Theme.hover : "transparent"
                    border.color: Theme.border
                }
            }
        }
    }
}
