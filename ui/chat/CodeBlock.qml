import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// A fenced code block from an answer: coloured by the C++ highlighter (chat/code_highlighter),
// monospace, with a horizontal scroll bar that is always shown when lines are wider than the
// column, and a copy button that copies the code exactly as written.
Rectangle {
    id: block

    required property string code
    required property string html
    required property string language
    property bool tabbable: true
    signal copyRequested(string text)

    implicitHeight: column.implicitHeight
    radius: Theme.radius
    color: Theme.codeBackground
    border.color: Theme.border
    clip: true

    ColumnLayout {
        id: column
        width: parent.width
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 4
            Layout.topMargin: 2
            Label {
                text: block.language.length ? block.language : qsTr("code")
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
                Layout.fillWidth: true
            }
            IconButton {
                id: copyButton
                objectName: "copyCodeButton"
                property bool copied: false
                focusPolicy: block.tabbable ? Qt.StrongFocus : Qt.ClickFocus
                iconName: copied ? "check" : "copy"
                text: copied ? qsTr("Copied") : qsTr("Copy code")
                onClicked: { block.copyRequested(block.code); copied = true; resetCopied.restart() }
                Timer { id: resetCopied; interval: 1500; onTriggered: copyButton.copied = false }
            }
        }
        Rectangle { Layout.fillWidth: true; implicitHeight: 1; color: Theme.border }
        Flickable {
            id: scroller
            objectName: "codeScroller"
            Layout.fillWidth: true
            Layout.preferredHeight: codeText.implicitHeight + 20 + (hbar.visible ? hbar.height : 0)
            contentWidth: codeText.implicitWidth + 28
            contentHeight: codeText.implicitHeight + 20
            clip: true
            flickableDirection: Flickable.HorizontalFlick
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.horizontal: ScrollBar {
                id: hbar
                objectName: "codeScrollBar"
                policy: scroller.contentWidth > scroller.width ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
                visible: policy === ScrollBar.AlwaysOn
            }
            TextEdit {
                id: codeText
                x: 14
                y: 10
                text: block.html
                textFormat: TextEdit.RichText
                wrapMode: TextEdit.NoWrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectionColor: Theme.accent
                selectedTextColor: Theme.onAccent
                font.family: Theme.monoFamily
                font.pixelSize: Theme.bodyPixelSize - 1
                Accessible.name: qsTr("Code")
            }
        }
    }
}
