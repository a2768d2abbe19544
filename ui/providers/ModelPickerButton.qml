import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// The chat header's model: shows where answers come from and opens the list of choices (the
// local model, every configured provider's models). ModelPicker decides what a choice does.
ToolButton {
    id: button

    required property ChatController chat
    required property ModelPicker picker

    signal manageProvidersRequested()

    onClicked: menu.open()
    text: label.text
    Accessible.name: qsTr("Choose the model that answers: %1").arg(label.text)
    ToolTip.visible: hovered && button.chat.backendDescription.length > 0
    ToolTip.delay: 600
    ToolTip.text: qsTr("%1 · %2").arg(label.text).arg(button.chat.backendDescription)

    padding: 6
    leftPadding: 12
    rightPadding: 8
    background: Rectangle {
        radius: 8
        color: button.down ? Theme.border : button.hovered || button.visualFocus ? Theme.hover : "transparent"
        border.color: Theme.border
    }
    contentItem: RowLayout {
        spacing: 6
        Label {
            id: label
            objectName: "activeModelLabel"
            Layout.fillWidth: true
            text: button.chat.modelReady ? button.chat.modelName : button.chat.modelStatus
            color: Theme.text
            elide: Text.ElideMiddle
        }
        Label {
            objectName: "activeModelDetail"
            Layout.maximumWidth: Math.max(0, button.availableWidth - label.implicitWidth - 40)
            visible: button.chat.modelReady && button.chat.backendDescription.length > 0 && Layout.maximumWidth > 60
            text: button.chat.backendDescription
            color: Theme.mutedText
            font.pixelSize: Theme.smallPixelSize
            elide: Text.ElideRight
        }
        ThemedIcon { iconName: "chevron-down"; color: Theme.mutedText }
    }

    Menu {
        id: menu
        objectName: "modelPickerMenu"
        y: button.height
        width: Math.max(480, button.width)

        Instantiator {
            model: button.picker
            delegate: MenuItem {
                required property int index
                required property string label
                required property string detail
                required property bool isCurrent
                text: detail.length > 0 ? qsTr("%1 — %2").arg(label).arg(detail) : label
                Accessible.name: text
                checkable: true
                checked: isCurrent
                onTriggered: {
                    checked = Qt.binding(() => isCurrent)  // the picker decides, not the click
                    button.picker.choose(index)
                }
            }
            onObjectAdded: (index, object) => menu.insertItem(index, object)
            onObjectRemoved: (index, object) => menu.removeItem(object)
        }
        MenuSeparator {}
        MenuItem {
            text: qsTr("Providers…")
            Accessible.name: qsTr("Manage providers")
            onTriggered: button.manageProvidersRequested()
        }
    }
}
