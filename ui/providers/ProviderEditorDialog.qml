import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// Adds or edits one provider. ProviderEditor keeps the draft, checks the address as it is typed,
// holds a typed key until Save, and refuses to save what the rules refuse.
PonderDialog {
    id: dialog
    objectName: "providerEditorDialog"

    required property ProviderStore store

    function openNew(presetId) { providerEditor.startNew(presetId); reset(); open() }
    function openFor(providerId) { if (providerEditor.edit(providerId)) { reset(); open() } }
    function reset() {
        keyField.text = ""
        keyField.shown = false
        newModel.text = ""
        modelError.text = ""
        nameField.forceActiveFocus()
    }

    title: providerEditor.isNew ? qsTr("Add %1").arg(providerEditor.presetName) : qsTr("Edit %1").arg(providerEditor.name)
    padding: 16

    ProviderEditor {
        id: providerEditor
        store: dialog.store
        onSaved: dialog.close()
    }

    contentItem: ScrollView {
        id: scroll
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10

            Label {
                Layout.fillWidth: true
                visible: providerEditor.presetHelp.length > 0
                text: providerEditor.presetHelp
                wrapMode: Text.WordWrap
                color: Theme.mutedText
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 6

                Label { text: qsTr("Name") }
                TextField {
                    id: nameField
                    objectName: "providerName"
                    Layout.fillWidth: true
                    text: providerEditor.name
                    onTextEdited: providerEditor.name = text
                    Accessible.name: qsTr("Provider name")
                }

                Label { text: qsTr("Base URL") }
                TextField {
                    objectName: "providerBaseUrl"
                    Layout.fillWidth: true
                    text: providerEditor.baseUrl
                    placeholderTextColor: Theme.mutedText
                    placeholderText: "https://api.example.com/v1"
                    inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    onTextEdited: providerEditor.baseUrl = text
                    Accessible.name: qsTr("Base URL")
                }
                // The address's refusal or warning, as it is typed (RemoteEndpoint's rules).
                Label {
                    objectName: "urlError"
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    visible: providerEditor.urlError.length > 0
                    text: providerEditor.urlError
                    color: Theme.error
                    wrapMode: Text.WordWrap
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: text
                }
                Label {
                    objectName: "urlWarning"
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    visible: providerEditor.urlWarning.length > 0
                    text: providerEditor.urlWarning
                    color: Theme.warning
                    wrapMode: Text.WordWrap
                }

                Label { text: qsTr("API key") }
                RowLayout {
                    Layout.fillWidth: true
                    TextField {
                        id: keyField
                        objectName: "providerKey"
                        property bool shown: false
                        Layout.fillWidth: true
                        echoMode: shown ? TextInput.Normal : TextInput.Password
                        placeholderTextColor: Theme.mutedText
                        placeholderText: providerEditor.keyHint
                        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                        onTextEdited: providerEditor.setApiKey(text)
                        Accessible.name: qsTr("API key")
                    }
                    ToolButton {
                        text: keyField.shown ? qsTr("Hide") : qsTr("Show")
                        onClicked: keyField.shown = !keyField.shown
                        Accessible.name: keyField.shown ? qsTr("Hide the key") : qsTr("Show the key")
                    }
                    Button {
                        visible: providerEditor.canClearKey
                        text: qsTr("Remove key")
                        flat: true
                        onClicked: providerEditor.clearApiKey()
                    }
                }
                Label {
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    text: dialog.store.keyStorageNote
                    color: dialog.store.keysPersistent ? Theme.mutedText : Theme.warning
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.smallPixelSize
                }
            }

            RowLayout {
                Layout.fillWidth: true
                OutlineButton {
                    objectName: "testConnection"
                    text: qsTr("Test connection")
                    enabled: !providerEditor.busy
                    onClicked: providerEditor.testConnection()
                    Accessible.name: qsTr("Test the connection and fetch the model list")
                }
                BusyIndicator {
                    running: providerEditor.busy
                    visible: running
                    implicitWidth: 28
                    implicitHeight: 28
                }
                Label {
                    objectName: "testResult"
                    Layout.fillWidth: true
                    text: providerEditor.testResult
                    color: providerEditor.testOk ? Theme.success : Theme.error
                    wrapMode: Text.WordWrap
                }
            }

            Label {
                Layout.topMargin: 6
                text: qsTr("Models")
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                visible: providerEditor.models.count === 0
                text: qsTr("Test the connection to fetch the server's models, or add a model id by hand.")
                wrapMode: Text.WordWrap
                color: Theme.mutedText
            }
            Repeater {
                model: providerEditor.models
                delegate: ProviderModelRow {
                    Layout.fillWidth: true
                    editor: providerEditor
                }
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: newModel
                    objectName: "newModelId"
                    Layout.fillWidth: true
                    placeholderTextColor: Theme.mutedText
                    placeholderText: qsTr("Model id, e.g. deepseek-r1:14b")
                    onAccepted: addButton.clicked()
                    Accessible.name: qsTr("Model id to add")
                }
                OutlineButton {
                    id: addButton
                    text: qsTr("Add model")
                    Accessible.name: qsTr("Add this model id")
                    onClicked: {
                        modelError.text = providerEditor.addModel(newModel.text)
                        if (modelError.text.length === 0) newModel.text = ""
                    }
                }
            }
            Label {
                id: modelError
                Layout.fillWidth: true
                visible: text.length > 0
                color: Theme.error
                wrapMode: Text.WordWrap
            }
        }
    }

    footer: ColumnLayout {
        spacing: 0
        Label {
            objectName: "saveProblem"
            Layout.fillWidth: true
            Layout.leftMargin: 16
            Layout.rightMargin: 16
            visible: text.length > 0
            text: providerEditor.saveNote
            color: Theme.error
            wrapMode: Text.WordWrap
        }
        DialogButtons {
            Layout.fillWidth: true
            OutlineButton {
                objectName: "saveProvider"
                text: qsTr("Save")
                highlighted: true
                enabled: providerEditor.canSave
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            OutlineButton {
                text: qsTr("Cancel")
                Accessible.name: text
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
            // Accepting saves; the dialog closes once the store (and keychain) took it.
            onAccepted: providerEditor.save()
            onRejected: dialog.close()
        }
    }
}
