import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Ponder
import Ponder.Core

// A file or folder chooser that cannot take the app down: Qt's FileDialog / FolderDialog when
// their QML modules load (DialogSupport checks), otherwise a dialog that says which package is
// missing and takes a typed path. `chosen` gives the selected URLs either way.
Item {
    id: picker

    property string mode: "openFiles"   // "openFiles", "saveFile" or "folder"
    property string title
    property var nameFilters: []
    property string defaultSuffix
    signal chosen(var urls)

    readonly property string problem: DialogSupport.fileDialogProblem

    function open() {
        if (problem.length > 0) {
            typedPath.text = ""
            fallback.open()
        } else if (mode === "folder") {
            folderDialog.open()
        } else {
            fileDialog.open()
        }
    }

    FileDialog {
        id: fileDialog
        title: picker.title
        fileMode: picker.mode === "saveFile" ? FileDialog.SaveFile : FileDialog.OpenFiles
        nameFilters: picker.nameFilters
        defaultSuffix: picker.defaultSuffix
        onAccepted: picker.chosen(picker.mode === "saveFile" ? [selectedFile] : selectedFiles)
    }
    FolderDialog {
        id: folderDialog
        title: picker.title
        onAccepted: picker.chosen([selectedFolder])
    }

    PonderDialog {
        id: fallback
        objectName: "filePickerFallback"
        width: Math.min(parent ? parent.width - 48 : 520, 520)
        title: picker.title
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: {
            const path = typedPath.text.trim()
            if (path.length > 0)
                picker.chosen([path.startsWith("file:") ? path : "file://" + (path.startsWith("/") ? "" : "/") + path])
        }
        ColumnLayout {
            anchors.fill: parent
            spacing: 12
            Label {
                objectName: "filePickerProblem"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: picker.problem
            }
            TextField {
                id: typedPath
                objectName: "filePickerPath"
                Layout.fillWidth: true
                placeholderTextColor: Theme.mutedText
                placeholderText: picker.mode === "folder" ? qsTr("/path/to/folder") : qsTr("/path/to/model.gguf")
                Accessible.name: picker.mode === "folder" ? qsTr("Folder path") : qsTr("File path")
                onAccepted: fallback.accept()
            }
        }
    }
}
