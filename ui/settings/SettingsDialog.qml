import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Preferences that apply to the whole app. Per-model settings (context, sampling, system prompt,
// threads) live on the Models page next to the model they belong to. A fixed width and place, so
// repeated clicks on the text size's -/+ stay on the buttons.
PonderDialog {
    id: dialog
    objectName: "settingsDialog"

    required property AppSettings settings
    signal thinkingCurveRequested()  // the window opens the file picker and the curve

    title: qsTr("Settings")
    width: Math.min(560, parent ? parent.width - 48 : 560)
    standardButtons: Dialog.Close

    // A choice among fixed values: shown by index, so the list always has its texts.
    component Choice: ComboBox {
        required property var values
        required property string value
        signal chosen(string value)
        Layout.fillWidth: true
        currentIndex: values.indexOf(value)
        onActivated: index => chosen(values[index])
    }

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 16
        rowSpacing: 10

        Label { text: qsTr("Theme"); color: Theme.text }
        Choice {
            objectName: "themeChoice"
            values: ["system", "light", "dark"]
            model: [qsTr("Same as the system"), qsTr("Light"), qsTr("Dark")]
            value: dialog.settings.theme
            onChosen: v => dialog.settings.theme = v
            Accessible.name: qsTr("Theme")
        }

        Label { text: qsTr("Text size"); color: Theme.text }
        SpinBox {
            objectName: "textSize"
            // Steps through AppSettings.textSizes: every value shown is one that is applied.
            readonly property var sizes: dialog.settings.textSizes
            Layout.preferredWidth: 190
            from: 0
            to: sizes.length - 1
            value: Math.max(0, sizes.indexOf(dialog.settings.fontSize))
            textFromValue: v => sizes[v] === 0 ? qsTr("Default") : qsTr("%1 pt").arg(sizes[v])
            valueFromText: (text, locale) => Math.max(0, sizes.indexOf(parseInt(text)))
            onValueModified: dialog.settings.fontSize = sizes[value]
            Accessible.name: qsTr("Text size")
        }

        Label { text: qsTr("Thinking panel"); color: Theme.text }
        Choice {
            objectName: "thinkingChoice"
            values: ["expanded", "collapsed", "hidden"]
            model: [qsTr("Open while thinking, then closed"), qsTr("Closed"), qsTr("Hidden")]
            value: dialog.settings.thinkingPanel
            onChosen: v => dialog.settings.thinkingPanel = v
            Accessible.name: qsTr("Thinking panel")
        }

        Label { text: qsTr("Send with"); color: Theme.text }
        Choice {
            objectName: "sendKeyChoice"
            values: ["enter", "ctrl+enter"]
            model: [qsTr("Enter (Shift+Enter for a new line)"), qsTr("Ctrl+Enter (Enter for a new line)")]
            value: dialog.settings.sendWithCtrlEnter ? "ctrl+enter" : "enter"
            onChosen: v => dialog.settings.sendWithCtrlEnter = v === "ctrl+enter"
            Accessible.name: qsTr("Send key")
        }

        Label { text: qsTr("Tab key"); color: Theme.text }
        Choice {
            objectName: "tabKeyChoice"
            values: ["moves", "types"]
            model: [qsTr("Moves to the next control (Ctrl+Tab types a tab)"), qsTr("Types a tab (Ctrl+Tab moves on)")]
            value: dialog.settings.tabInsertsTab ? "types" : "moves"
            onChosen: v => dialog.settings.tabInsertsTab = v === "types"
            Accessible.name: qsTr("What the Tab key does in the message box")
        }

        Label { text: qsTr("Thinking curve"); color: Theme.text }
        OutlineButton {
            objectName: "openThinkingCurve"
            text: qsTr("Open an eval result…")
            onClicked: {
                dialog.close()
                dialog.thinkingCurveRequested()
            }
            Accessible.name: qsTr("Open the thinking curve of an eval run")
            ToolTip.visible: hovered || visualFocus
            ToolTip.delay: 600
            ToolTip.text: qsTr("Accuracy against thinking, from ponder-cli eval --think-budgets 0,256,1024,unlimited --json > result.json")
        }

        Label { text: qsTr("Data folder"); color: Theme.text }
        TextField {
            Layout.fillWidth: true
            readOnly: true
            text: dialog.settings.dataDir
            color: Theme.text
            Accessible.name: qsTr("Data folder")
        }
        Item { width: 1; height: 1 }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.mutedText
            text: qsTr("Conversations, downloaded models and settings live here. Start Ponder with --data-dir FOLDER to use another one.")
        }
    }

}
