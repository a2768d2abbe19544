import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The memory a model needs (weights + KV cache at its context) against what this machine has:
// the bar spans the machine's RAM, the filled part is the need, the tick marks what is free now.
Control {
    id: bar

    required property real needed      // bytes
    required property real available   // bytes free now
    required property real total       // bytes of RAM
    required property int fit          // ModelListModel.Fits / Tight / TooBig

    readonly property real scale: Math.max(total, needed, 1)
    readonly property color fillColor: fit === ModelListModel.Fits ? Theme.success
                                     : fit === ModelListModel.Tight ? Theme.warning : Theme.error

    readonly property string text: fit === ModelListModel.Fits
        ? qsTr("Needs %1 of memory; %2 free of %3").arg(size(needed)).arg(size(available)).arg(size(total))
        : fit === ModelListModel.Tight
          ? qsTr("Needs %1, only %2 is free now (of %3): close other programs or choose a shorter context").arg(size(needed)).arg(size(available)).arg(size(total))
          : qsTr("Needs %1, more than this machine's %2 of memory: choose a smaller model or quantization").arg(size(needed)).arg(size(total))

    function size(bytes) { return Qt.locale().formattedDataSize(bytes, 1) }

    Accessible.role: Accessible.ProgressBar
    Accessible.name: text

    contentItem: ColumnLayout {
        spacing: 2

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
