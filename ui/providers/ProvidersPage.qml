import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// Remote providers: DeepSeek's platform or the user's own OpenAI-compatible servers. Lists them,
// adds one from a preset, opens the editor, deletes with confirmation. ProviderStore and
// ProviderEditor hold the rules; this page lays them out.
Page {
    id: page

    required property ProviderStore store

    title: qsTr("Providers")

    // Opens the editor on a provider (the chat's picker asks for this when a key is missing).
    function editProvider(providerId) { editorDialog.openFor(providerId) }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 12

            Label {
                Layout.fillWidth: true
                Layout.margins: 12
                Layout.bottomMargin: 0
                wrapMode: Text.WordWrap
                opacity: 0.8
                text: qsTr("Chat with full DeepSeek-R1 on DeepSeek's platform, or with your own vLLM, SGLang, Ollama or LM Studio server. Answers show the same thinking panels and are saved with your conversations. Choose the model in the chat's header.")
            }
            Label {
                objectName: "keyStorageNote"
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                wrapMode: Text.WordWrap
                text: page.store.keyStorageNote
                color: page.store.keysPersistent ? page.palette.text : "#e65100"
                opacity: page.store.keysPersistent ? 0.7 : 1
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            RowLayout {
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                Button {
                    objectName: "addProviderButton"
                    text: qsTr("Add provider…")
                    highlighted: true
                    onClicked: addDialog.open()
                    Accessible.name: qsTr("Add a provider")
                }
            }
            Label {
                Layout.leftMargin: 12
                visible: page.store.providers.count === 0
                text: qsTr("No providers yet.")
                opacity: 0.7
            }
            Repeater {
                model: page.store.providers
                delegate: ProviderCard {
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    onEditRequested: id => editorDialog.openFor(id)
                    onDeleteRequested: (id, name) => confirmDelete.ask(id, name)
                }
            }
            Item { implicitHeight: 12 }
        }
    }

    // The presets, each with its one line of help.
    Dialog {
        id: addDialog
        objectName: "addProviderDialog"
        title: qsTr("Add a provider")
        anchors.centerIn: parent
        width: Math.min(page.width * 0.9, 620)
        modal: true
        standardButtons: Dialog.Cancel
        contentItem: ColumnLayout {
            spacing: 2
            Repeater {
                model: page.store.presets
                delegate: ItemDelegate {
                    id: preset
                    required property var modelData
                    Layout.fillWidth: true
                    onClicked: {
                        addDialog.close()
                        editorDialog.openNew(preset.modelData.id)
                    }
                    Accessible.name: preset.modelData.name
                    contentItem: ColumnLayout {
                        spacing: 2
                        Label { text: preset.modelData.name; font.bold: true }
                        Label {
                            Layout.fillWidth: true
                            text: preset.modelData.help
                            wrapMode: Text.WordWrap
                            opacity: 0.7
                            font.pointSize: page.font.pointSize * 0.9
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: confirmDelete
        property string providerId
        property string providerName
        function ask(id, name) { providerId = id; providerName = name; open() }
        title: qsTr("Delete %1?").arg(providerName)
        anchors.centerIn: Overlay.overlay
        // Fixed: a width that follows the window makes the wrapped text a binding loop in Qt 6.4
        // while the window is first laid out; 460 fits the smallest window (720).
        width: 460
        modal: true
        standardButtons: Dialog.Cancel | Dialog.Yes
        contentItem: Label {
            wrapMode: Text.WordWrap
            text: qsTr("Its settings and its API key are deleted. Conversations with its models stay.")
        }
        onAccepted: page.store.remove(providerId)
    }

    ProviderEditorDialog {
        id: editorDialog
        store: page.store
        width: Math.min(page.width * 0.95, 680)
        height: page.height * 0.92
        anchors.centerIn: parent
    }
}
