import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Preferences that apply to the whole app. Per-model settings (context, sampling, system prompt,
// threads) live on the Models page next to the model they belong to.
Dialog {
    id: dialog

    required property AppSettings settings

    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, Overlay.overlay ? Overlay.overlay.width - 40 : 520)

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 16
        rowSpacing: 10

        Label { text: qsTr("Theme") }
        ComboBox {
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [{ value: "system", text: qsTr("System") }, { value: "light", text: qsTr("Light") },
                    { value: "dark", text: qsTr("Dark") }]
            currentIndex: indexOfValue(dialog.settings.theme)
            onActivated: dialog.settings.theme = currentValue
            Accessible.name: qsTr("Theme")
        }

        Label { text: qsTr("Text size") }
        SpinBox {
            from: 0; to: 32
            value: dialog.settings.fontSize
            textFromValue: (v) => v === 0 ? qsTr("Default") : qsTr("%1 pt").arg(v)
            onValueModified: dialog.settings.fontSize = (value > 0 && value < 8) ? 8 : value
            Accessible.name: qsTr("Text size")
        }

        Label { text: qsTr("Thinking panel") }
        ComboBox {
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [{ value: "expanded", text: qsTr("Expanded while thinking, then collapsed") },
                    { value: "collapsed", text: qsTr("Collapsed") },
                    { value: "hidden", text: qsTr("Hidden") }]
            currentIndex: indexOfValue(dialog.settings.thinkingPanel)
            onActivated: dialog.settings.thinkingPanel = currentValue
            Accessible.name: qsTr("Thinking panel")
        }

        Label { text: qsTr("Send with") }
        ComboBox {
            Layout.fillWidth: true
            model: [qsTr("Enter (Shift+Enter for a new line)"), qsTr("Ctrl+Enter (Enter for a new line)")]
            currentIndex: dialog.settings.sendWithCtrlEnter ? 1 : 0
            onActivated: dialog.settings.sendWithCtrlEnter = currentIndex === 1
            Accessible.name: qsTr("Send key")
        }

        Label { text: qsTr("Data folder") }
        TextField {
            Layout.fillWidth: true
            readOnly: true
            text: dialog.settings.dataDir
            Accessible.name: qsTr("Data folder")
        }
        Item { width: 1; height: 1 }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            opacity: 0.7
            text: qsTr("Conversations, downloaded models and settings live here. Start Ponder with --data-dir FOLDER to use another one.")
        }
    }
}
