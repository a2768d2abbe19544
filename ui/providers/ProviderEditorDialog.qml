import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Adds or edits one provider. ProviderEditor keeps the draft, checks the address as it is typed,
// holds a typed key until Save, and refuses to save what the rules refuse.
Dialog {
    id: dialog

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
    modal: true
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
                opacity: 0.7
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
                    color: "#c62828"
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
                    color: "#e65100"
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
                    color: dialog.store.keysPersistent ? dialog.palette.text : "#e65100"
                    opacity: dialog.store.keysPersistent ? 0.6 : 1
                    wrapMode: Text.WordWrap
                    font.pointSize: dialog.font.pointSize * 0.9
                }
            }

            RowLayout {
                Layout.fillWidth: true
                Button {
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
                    color: providerEditor.testOk ? "#2e7d32" : "#c62828"
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
                opacity: 0.7
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
                    placeholderText: qsTr("Model id, e.g. deepseek-r1:14b")
                    onAccepted: addButton.clicked()
                    Accessible.name: qsTr("Model id to add")
                }
                Button {
                    id: addButton
                    text: qsTr("Add model")
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
                color: "#c62828"
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
            color: "#c62828"
            wrapMode: Text.WordWrap
        }
        DialogButtonBox {
            Layout.fillWidth: true
            Button {
                objectName: "saveProvider"
                text: qsTr("Save")
                highlighted: true
                enabled: providerEditor.canSave
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Cancel")
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
            // Accepting saves; the dialog closes once the store (and keychain) took it.
            onAccepted: providerEditor.save()
            onRejected: dialog.close()
        }
    }
}
