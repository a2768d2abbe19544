import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// One model's settings. Every change is saved at once (ModelSettingsEditor clamps and stores).
GridLayout {
    id: form

    required property ModelLibrary library
    required property string modelPath

    columns: 2
    columnSpacing: 12
    rowSpacing: 8

    ModelSettingsEditor {
        id: editor
        library: form.library
        modelPath: form.modelPath
    }

    // Sampling values are shown and edited in hundredths, since SpinBox counts in integers.
    component Hundredths: SpinBox {
        property real realValue
        signal edited(real value)
        from: 0
        to: 200
        stepSize: 5
        editable: true
        value: Math.round(realValue * 100)
        textFromValue: (v, locale) => Number(v / 100).toLocaleString(locale, "f", 2)
        valueFromText: (text, locale) => Math.round(Number.fromLocaleString(locale, text) * 100)
        onValueModified: edited(value / 100)
    }

    Label { text: qsTr("Context length (tokens)") }
    SpinBox {
        from: 256
        to: editor.maxContextLength
        stepSize: 1024
        editable: true
        value: editor.contextLength
        onValueModified: editor.contextLength = value
        Accessible.name: qsTr("Context length in tokens")
    }

    Label { text: qsTr("Temperature") }
    Hundredths {
        realValue: editor.temperature
        onEdited: v => editor.temperature = v
        Accessible.name: qsTr("Temperature")
    }

    Label { text: qsTr("Top-p") }
    Hundredths {
        to: 100
        realValue: editor.topP
        onEdited: v => editor.topP = v
        Accessible.name: qsTr("Top-p")
    }

    Label { text: qsTr("Top-k (0 = off)") }
    SpinBox {
        from: 0
        to: 1000
        editable: true
        value: editor.topK
        onValueModified: editor.topK = value
        Accessible.name: qsTr("Top-k")
    }

    Label { text: qsTr("Min-p") }
    Hundredths {
        to: 100
        stepSize: 1
        realValue: editor.minP
        onEdited: v => editor.minP = v
        Accessible.name: qsTr("Min-p")
    }

    Label { text: qsTr("Runs on") }
    ComboBox {
        id: deviceBox
        Layout.fillWidth: true
        model: editor.deviceChoices
        textRole: "text"
        valueRole: "value"
        currentIndex: indexOfValue(editor.device)
        onActivated: editor.device = currentValue
        Accessible.name: qsTr("Runs on")
        ToolTip.visible: hovered && editor.device !== "cpu"
        ToolTip.text: qsTr("The Vulkan backend gives the CPU's answers but is not yet tuned for speed")
    }

    // With a GPU chosen: how many layers it holds (the rest run on the CPU); -1 is "all that fit".
    Label {
        visible: editor.device.startsWith("vulkan#")
        text: qsTr("GPU layers")
    }
    SpinBox {
        objectName: "gpuLayersBox"
        visible: editor.device.startsWith("vulkan#")
        from: -1
        to: 999
        editable: true
        value: editor.gpuLayers
        textFromValue: (v, locale) => v < 0 ? qsTr("All that fit") : Number(v).toLocaleString(locale, "f", 0)
        valueFromText: (text, locale) => text === qsTr("All that fit") ? -1 : Number.fromLocaleString(locale, text)
        onValueModified: editor.gpuLayers = value
        Accessible.name: qsTr("GPU layers (the rest run on the CPU)")
    }

    Label { text: qsTr("Thinking budget") }
    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        // Presets, or any number: -1 is no budget (the model thinks as long as it likes).
        ComboBox {
            id: budgetBox
            objectName: "thinkBudgetBox"
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            readonly property var presets: [-1, 0, 256, 1024, 4096, 16384]
            model: {
                const items = presets.map(v => ({ value: v, text: ThinkBudget.describe(v) }))
                if (presets.indexOf(editor.thinkBudget) < 0)
                    items.push({ value: editor.thinkBudget, text: ThinkBudget.describe(editor.thinkBudget) })
                items.push({ value: -3, text: qsTr("Other…") })
                return items
            }
            currentIndex: indexOfValue(editor.thinkBudget)
            // A new list (another budget chosen) resets the index: bind it again once it is in.
            onModelChanged: Qt.callLater(() => currentIndex = Qt.binding(() => indexOfValue(editor.thinkBudget)))
            onActivated: {
                if (currentValue === -3) {
                    customBudget.visible = true
                    customBudget.forceActiveFocus()
                    currentIndex = Qt.binding(() => indexOfValue(editor.thinkBudget))
                } else {
                    editor.thinkBudget = currentValue
                }
            }
            Accessible.name: qsTr("Thinking budget")
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: qsTr("After this many tokens of thought Ponder ends the thought and the model answers")
        }
        SpinBox {
            id: customBudget
            objectName: "thinkBudgetCustom"
            visible: false
            from: 0
            to: 1048576
            stepSize: 256
            editable: true
            value: Math.max(0, editor.thinkBudget)
            onValueModified: editor.thinkBudget = value
            Accessible.name: qsTr("Thinking budget in tokens")
        }
    }

    Label { text: qsTr("When it loops") }
    ComboBox {
        objectName: "loopActionBox"
        Layout.fillWidth: true
        textRole: "text"
        valueRole: "value"
        model: [{ value: false, text: qsTr("Warn me") }, { value: true, text: qsTr("End the thought and answer") }]
        currentIndex: indexOfValue(editor.loopStop)
        onActivated: editor.loopStop = currentValue
        Accessible.name: qsTr("When the model's thought goes in circles")
    }

    Label { text: qsTr("Threads") }
    SpinBox {
        from: 1
        to: editor.maxThreads
        value: editor.threads
        onValueModified: editor.threads = value
        Accessible.name: qsTr("Threads")
    }

    Label {
        Layout.alignment: Qt.AlignTop
        text: qsTr("System prompt")
    }
    ColumnLayout {
        Layout.fillWidth: true
        TextArea {
            Layout.fillWidth: true
            Layout.preferredHeight: 80
            wrapMode: TextEdit.Wrap
            text: editor.systemPrompt
            placeholderTextColor: Theme.mutedText
            placeholderText: qsTr("None (recommended for R1)")
            onEditingFinished: editor.systemPrompt = text
            Accessible.name: qsTr("System prompt")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            text: qsTr("DeepSeek recommends no system prompt for R1 models: any text here is put at the start of your first message instead.")
        }
    }

    Label {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        color: Theme.mutedText
        text: qsTr("Defaults follow DeepSeek's advice for R1: temperature 0.6, top-p 0.95, no system prompt. The context length sets how much memory the conversation takes (see the model's memory bar).")
    }
    OutlineButton {
        Layout.columnSpan: 2
        Layout.alignment: Qt.AlignRight
        enabled: !editor.isDefault
        text: qsTr("Restore defaults")
        onClicked: editor.resetToDefaults()
        Accessible.name: qsTr("Restore the recommended defaults")
    }
}
