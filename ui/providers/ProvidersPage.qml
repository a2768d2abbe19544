import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
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
                color: Theme.mutedText
                text: qsTr("Chat with full DeepSeek-R1 on DeepSeek's platform, or with your own vLLM, SGLang, Ollama or LM Studio server. Answers show the same thinking panels and are saved with your conversations. Choose the model in the chat's header.")
            }
            Label {
                objectName: "keyStorageNote"
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                wrapMode: Text.WordWrap
                text: page.store.keyStorageNote
                color: page.store.keysPersistent ? Theme.mutedText : Theme.warning
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
            RowLayout {
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                OutlineButton {
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
                color: Theme.mutedText
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
    PonderDialog {
        id: addDialog
        objectName: "addProviderDialog"
        title: qsTr("Add a provider")
        width: Math.min(parent ? parent.width - 48 : 620, 620)
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
                    background: Rectangle {
                        radius: 8
                        color: preset.down ? Theme.border : preset.hovered || preset.visualFocus ? Theme.hover : "transparent"
                    }
                    contentItem: ColumnLayout {
                        spacing: 2
                        Label { text: preset.modelData.name; font.bold: true }
                        Label {
                            Layout.fillWidth: true
                            text: preset.modelData.help
                            wrapMode: Text.WordWrap
                            color: Theme.mutedText
                            font.pixelSize: Theme.smallPixelSize
                        }
                    }
                }
            }
        }
    }

    PonderDialog {
        id: confirmDelete
        objectName: "deleteProviderDialog"
        property string providerId
        property string providerName
        function ask(id, name) { providerId = id; providerName = name; open() }
        title: qsTr("Delete %1?").arg(providerName)
        // Fixed: a width that follows the window makes the wrapped text a binding loop in Qt 6.4
        // while the window is first laid out; 460 fits the smallest window (720).
        width: 460
        contentItem: Label {
            wrapMode: Text.WordWrap
            color: Theme.text
            text: qsTr("Its settings and its API key are deleted. Conversations with its models stay.")
        }
        footer: DialogButtons {
            Button { text: qsTr("Cancel"); flat: true; Accessible.name: text; DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
            OutlineButton { text: qsTr("Delete"); highlighted: true; Accessible.name: text; DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole }
        }
        onAccepted: page.store.remove(providerId)
    }

    ProviderEditorDialog {
        id: editorDialog
        store: page.store
        width: Math.min(parent ? parent.width - 32 : 680, 680)
        height: parent ? parent.height - 48 : 600
    }
}
