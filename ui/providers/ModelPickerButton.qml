import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The chat header's model: shows where answers come from and opens the list of choices (the
// local model, every configured provider's models). ModelPicker decides what a choice does.
ToolButton {
    id: button

    required property ChatController chat
    required property ModelPicker picker

    signal manageProvidersRequested()

    onClicked: menu.open()
    Accessible.name: qsTr("Choose the model that answers: %1").arg(label.text)

    contentItem: RowLayout {
        spacing: 4
        Label {
            id: label
            objectName: "activeModelLabel"
            Layout.fillWidth: true
            text: button.chat.modelReady ? (button.chat.backendDescription.length > 0
                                            ? qsTr("%1 · %2").arg(button.chat.modelName).arg(button.chat.backendDescription)
                                            : button.chat.modelName)
                                         : button.chat.modelStatus
            elide: Text.ElideMiddle
            opacity: 0.85
        }
        Label { text: "▾"; opacity: 0.7 }
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
            onTriggered: button.manageProvidersRequested()
        }
    }
}
