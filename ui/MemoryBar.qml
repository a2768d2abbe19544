import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The memory a model needs (weights + KV cache at its context) against what this machine has:
// the bar spans the machine's RAM, the filled part is the need, the tick marks what is free now.
// When part or all of the model goes to a GPU, a second bar shows that part against the GPU's
// memory, and the first only what stays in RAM.
Control {
    id: bar

    required property real needed      // bytes
    required property real available   // bytes free now
    required property real total       // bytes of RAM
    required property int fit          // ModelListModel.Fits / Tight / TooBig
    property string gpuName: ""        // empty: all in RAM
    property real gpuTotal: 0          // bytes of the GPU's memory
    property real gpuNeeded: 0         // bytes of weights + KV cache on it
    property int gpuLayers: 0
    property int layerCount: 0
    property bool gpuFits: true
    readonly property bool onGpu: gpuName.length > 0 && gpuNeeded > 0

    readonly property real scale: Math.max(total, needed, 1)
    readonly property color fillColor: fit === ModelListModel.Fits ? Theme.success
                                     : fit === ModelListModel.Tight ? Theme.warning : Theme.error

    readonly property string gpuText: !gpuFits
        ? qsTr("GPU: %1 layers need %2, more than its %3 (%4): choose fewer GPU layers").arg(gpuLayers)
              .arg(size(gpuNeeded)).arg(size(gpuTotal)).arg(gpuName)
        : gpuLayers >= layerCount
          ? qsTr("GPU: the whole model, %1 of %2 (%3)").arg(size(gpuNeeded)).arg(size(gpuTotal)).arg(gpuName)
          : qsTr("GPU: %1 of %2 layers, %3 of %4 (%5); the rest in RAM").arg(gpuLayers).arg(layerCount)
                .arg(size(gpuNeeded)).arg(size(gpuTotal)).arg(gpuName)
    readonly property string ramText: fit === ModelListModel.Fits
        ? qsTr("Needs %1 of memory; %2 free of %3").arg(size(needed)).arg(size(available)).arg(size(total))
        : fit === ModelListModel.Tight
          ? qsTr("Needs %1, only %2 is free now (of %3): close other programs or choose a shorter context").arg(size(needed)).arg(size(available)).arg(size(total))
          : qsTr("Needs %1, more than this machine's %2 of memory: choose a smaller model or quantization").arg(size(needed)).arg(size(total))
    readonly property string text: onGpu ? qsTr("RAM: %1").arg(ramText) : ramText

    function size(bytes) { return Qt.locale().formattedDataSize(bytes, 1) }

    Accessible.role: Accessible.ProgressBar
    Accessible.name: onGpu ? gpuText + "; " + text : text

    contentItem: ColumnLayout {
        spacing: 2

        Rectangle {  // the GPU's share, against its memory
            Layout.fillWidth: true
            visible: bar.onGpu
            implicitHeight: 8
            radius: 4
            color: Theme.border
            Rectangle {
                width: parent.width * Math.min(bar.gpuNeeded / Math.max(bar.gpuTotal, bar.gpuNeeded, 1), 1)
                height: parent.height
                radius: parent.radius
                color: bar.gpuFits ? Theme.accent : Theme.error
            }
        }
        Label {
            Layout.fillWidth: true
            visible: bar.onGpu
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallPixelSize
            color: bar.gpuFits ? Theme.text : Theme.error
            text: bar.gpuText
        }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 8
            radius: 4
            color: Theme.border

            Rectangle {
                width: parent.width * Math.min(bar.needed / bar.scale, 1)
                height: parent.height
                radius: parent.radius
                color: bar.fillColor
            }
            Rectangle {  // what is free now
                x: parent.width * Math.min(bar.available / bar.scale, 1) - width / 2
                y: -2
                width: 2
                height: parent.height + 4
                color: Theme.text
                visible: bar.available > 0
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.smallPixelSize
            color: bar.fit === ModelListModel.Fits ? Theme.text : bar.fillColor
            text: bar.text
        }
    }
}
