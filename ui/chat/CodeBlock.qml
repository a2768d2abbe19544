import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A fenced code block from an answer: monospace, horizontally scrollable, with a copy button.
Rectangle {
    id: block

    required property string code
    required property string language
    signal copyRequested(string text)

    implicitHeight: column.implicitHeight
    radius: 6
    color: palette.base
    border.color: palette.mid

    ColumnLayout {
        id: column
        width: parent.width
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 10
            Label {
                text: block.language.length ? block.language : qsTr("code")
                opacity: 0.6
                font.pointSize: Qt.application.font.pointSize * 0.85
                Layout.fillWidth: true
            }
            ToolButton {
                id: copyButton
                objectName: "copyCodeButton"
                text: copied ? qsTr("Copied") : qsTr("Copy")
                property bool copied: false
                onClicked: { block.copyRequested(block.code); copied = true; resetCopied.restart() }
                Accessible.name: qsTr("Copy code")
                Timer { id: resetCopied; interval: 1500; onTriggered: copyButton.copied = false }
            }
        }
        Flickable {
            Layout.fillWidth: true
            Layout.preferredHeight: codeText.implicitHeight + 16
            contentWidth: codeText.implicitWidth + 20
            clip: true
            flickableDirection: Flickable.HorizontalFlick
            ScrollBar.horizontal: ScrollBar {}
            TextEdit {
                id: codeText
                x: 10
                y: 4
                text: block.code.replace(/\n$/, "")
                font.family: "monospace"
                textFormat: TextEdit.PlainText
                readOnly: true
                selectByMouse: true
                color: palette.text
            }
        }
    }
}
