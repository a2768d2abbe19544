import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// One model of the provider being edited and what is sent with its requests. DeepSeek's reasoner
// ignores sampling, so it gets a sentence instead of fields that would do nothing.
Card {
    id: row

    required property ProviderEditor editor
    required property string modelId
    required property bool samplingIgnored
    required property bool sendSampling
    required property real temperature
    required property real topP
    required property int maxTokens
    required property string thinkStart
    required property bool startsInThought

    // Sampling values in hundredths, since SpinBox counts in integers.
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

    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: row.modelId
                font.bold: true
                elide: Text.ElideMiddle
            }
            ToolButton {
                text: "✕"
                onClicked: row.editor.removeModel(row.modelId)
                Accessible.name: qsTr("Remove %1").arg(row.modelId)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Remove from the list")
            }
        }
        Label {
            Layout.fillWidth: true
            visible: row.samplingIgnored
            text: qsTr("This model ignores temperature and top-p, so Ponder does not send them.")
            wrapMode: Text.WordWrap
            color: Theme.mutedText
        }
        GridLayout {
            Layout.fillWidth: true
            columns: 4
            columnSpacing: 8
            rowSpacing: 2
            CheckBox {
                Layout.columnSpan: 4
                visible: !row.samplingIgnored
                text: qsTr("Send temperature and top-p (R1 works best with 0.6 and 0.95)")
                checked: row.sendSampling
                onToggled: row.editor.setSendSampling(row.modelId, checked)
            }
            Label { visible: !row.samplingIgnored; text: qsTr("Temperature") }
            Hundredths {
                visible: !row.samplingIgnored
                enabled: row.sendSampling
                realValue: row.temperature
                onEdited: v => row.editor.setTemperature(row.modelId, v)
                Accessible.name: qsTr("Temperature for %1").arg(row.modelId)
            }
            Label { visible: !row.samplingIgnored; text: qsTr("Top-p") }
            Hundredths {
                visible: !row.samplingIgnored
                enabled: row.sendSampling
                to: 100
                realValue: row.topP
                onEdited: v => row.editor.setTopP(row.modelId, v)
                Accessible.name: qsTr("Top-p for %1").arg(row.modelId)
            }
            Label { text: qsTr("Max tokens") }
            SpinBox {
                from: 0
                to: 262144
                stepSize: 1024
                editable: true
                value: row.maxTokens
                textFromValue: (v, locale) => v === 0 ? qsTr("Server's") : Number(v).toLocaleString(locale, "f", 0)
                valueFromText: (text, locale) => text === qsTr("Server's") ? 0 : Number.fromLocaleString(locale, text)
                onValueModified: row.editor.setMaxTokens(row.modelId, value)
                Accessible.name: qsTr("Maximum tokens for %1 (0: the server's limit)").arg(row.modelId)
            }
            Label { text: qsTr("Starts inside <think>") }
            ComboBox {
                readonly property var values: ["auto", "inside", "outside"]
                Layout.fillWidth: true
                model: [row.startsInThought ? qsTr("Auto (yes)") : qsTr("Auto (no)"), qsTr("Yes"), qsTr("No")]
                // Not indexOfValue(): it runs before a bound model is set and would give -1.
                currentIndex: values.indexOf(row.thinkStart)
                onActivated: index => row.editor.setThinkStart(row.modelId, values[index])
                Accessible.name: qsTr("Whether %1's text starts inside an opened <think>").arg(row.modelId)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("R1 models served without a reasoning parser start their text inside <think> without the opening tag. Auto guesses from the model's name.")
            }
        }
    }
}
