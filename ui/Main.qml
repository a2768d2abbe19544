import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Placeholder window until the desktop app issue lands: it says what it is, honestly.
ApplicationWindow {
    id: window
    width: 960
    height: 640
    visible: true
    title: qsTr("Ponder")

    ColumnLayout {
        anchors.centerIn: parent
        spacing: 12

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Ponder")
            font.pixelSize: 32
            font.bold: true
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Version %1").arg(Qt.application.version)
            opacity: 0.7
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            Layout.maximumWidth: window.width * 0.8
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("The chat interface is not built yet. Today Ponder reads GGUF model files and tokenizes text; try ponder-cli info --model FILE.gguf")
        }
    }
}
