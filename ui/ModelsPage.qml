import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The Models page: the active model, every local model with its memory needs, adding models
// (dialog, drop, folder scan, other tools' folders), the download catalogue, per-model settings.
// View only: ModelLibrary, ModelLoader and DownloadManager hold the rules.
Page {
    id: page

    required property ModelLibrary library
    required property ModelLoader loader
    required property DownloadManager downloads

    title: qsTr("Models")

    FilePicker {
        id: fileDialog
        objectName: "addModelsPicker"
        title: qsTr("Add GGUF models")
        mode: "openFiles"
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onChosen: urls => page.library.addUrls(urls)
    }
    FilePicker {
        id: folderDialog
        objectName: "scanFolderPicker"
        title: qsTr("Scan a folder for GGUF models")
        mode: "folder"
        onChosen: urls => page.library.scanFolderUrl(urls[0])
    }
    PonderDialog {
        id: settingsDialog
        objectName: "modelSettingsDialog"
        property string modelPath
        property string modelName
        title: qsTr("Settings for %1").arg(modelName)
        width: Math.min(parent ? parent.width - 48 : 560, 560)
        standardButtons: Dialog.Close
        // Taller than a small window: the form scrolls inside the dialog.
        height: parent ? Math.min(implicitHeight, parent.height - 48) : implicitHeight
        contentItem: ScrollView {
            id: settingsScroll
            contentWidth: availableWidth
            clip: true
            ModelSettingsForm {
                width: settingsScroll.availableWidth
                library: page.library
                modelPath: settingsDialog.modelPath
            }
        }
    }

    DropArea {
        id: drop
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: event => {
            page.library.addUrls(event.urls)
            event.acceptProposedAction()
        }
    }

    ScrollView {
        id: scroll
        objectName: "modelsScroll"
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 12

            // --- the active model -------------------------------------------------------------
            Card {
                Layout.fillWidth: true
                Layout.margins: 12
                Layout.bottomMargin: 0
                RowLayout {
                    anchors.fill: parent
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            text: page.loader.statusText
                            color: page.loader.state === ModelLoader.Error ? Theme.error : Theme.text
                            Accessible.name: text
                        }
                        // Where Ponder put the model when its settings say "Automatic", and why.
                        Label {
                            objectName: "deviceChoice"
                            Layout.fillWidth: true
                            visible: page.loader.state === ModelLoader.Ready && page.loader.deviceChoice.length > 0
                            wrapMode: Text.WordWrap
                            text: qsTr("Runs on %1").arg(page.loader.deviceChoice)
                            color: Theme.mutedText
                            font.pixelSize: Theme.smallPixelSize
                            Accessible.name: text
                        }
                    }
                    BusyIndicator {
                        running: page.library.busy
                        visible: running
                        implicitHeight: 28
                        implicitWidth: 28
                        Accessible.name: qsTr("Looking for models")
                    }
                }
            }

            // --- adding models --------------------------------------------------------------
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                OutlineButton {
                    text: qsTr("Add model…")
                    onClicked: fileDialog.open()
                    Accessible.name: qsTr("Add GGUF model files")
                }
                OutlineButton {
                    text: qsTr("Scan folder…")
                    onClicked: folderDialog.open()
                    Accessible.name: qsTr("Scan a folder for GGUF models")
                }
                OutlineButton {
                    text: qsTr("Find models from other apps")
                    onClicked: page.library.discoverOtherTools(true)
                    Accessible.name: qsTr("Find models downloaded by Ollama, LM Studio or Hugging Face")
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Looks in Ollama's, LM Studio's and the Hugging Face cache's folders. Files are used where they are, never copied.")
                }
                Item { Layout.fillWidth: true }
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                text: page.library.message.length > 0 ? page.library.message
                                                      : qsTr("Tip: drop .gguf files anywhere on this page to add them.")
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }

            // --- local models ---------------------------------------------------------------
            Label {
                Layout.leftMargin: 12
                text: qsTr("On this computer")
                font.bold: true
                font.pixelSize: Theme.bodyPixelSize + 3
            }
            Label {
                Layout.leftMargin: 12
                visible: page.library.models.count === 0 && !page.library.busy
                text: qsTr("No models yet. Add a .gguf file, scan a folder, or download one below.")
                color: Theme.mutedText
            }
            Repeater {
                model: page.library.models
                delegate: ModelCard {
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    loader: page.loader
                    onSettingsRequested: (path, name) => {
                        settingsDialog.modelPath = path
                        settingsDialog.modelName = name
                        settingsDialog.open()
                    }
                    onRemoveRequested: path => page.library.remove(path)
                }
            }

            // --- the catalogue --------------------------------------------------------------
            Label {
                Layout.leftMargin: 12
                Layout.topMargin: 12
                text: qsTr("Download")
                font.bold: true
                font.pixelSize: Theme.bodyPixelSize + 3
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                wrapMode: Text.WordWrap
                color: Theme.mutedText
                text: page.downloads.catalogueError.length > 0
                      ? qsTr("The download catalogue could not be read: %1").arg(page.downloads.catalogueError)
                      : qsTr("GGUF builds of DeepSeek's R1 distills from Hugging Face, saved to %1. Each file's SHA-256 is checked before it can be used; where no checksum is published, the page says so.").arg(page.downloads.modelsDir)
            }
            Repeater {
                model: page.downloads.model
                delegate: DownloadRow {
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    downloads: page.downloads
                }
            }
            Item { implicitHeight: 12 }
        }
    }

    // Shown while files are dragged over the page.
    Rectangle {
        anchors.fill: parent
        visible: drop.containsDrag
        color: page.palette.highlight
        opacity: 0.15
        Label {
            anchors.centerIn: parent
            text: qsTr("Drop .gguf files to add them")
            font.pixelSize: Theme.titlePixelSize
        }
    }
}
