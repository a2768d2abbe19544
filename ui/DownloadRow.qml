import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// One catalogue entry: what it is, how big, its download's progress, and the actions it allows.
Card {
    id: row

    required property DownloadManager downloads
    required property string catalogueId
    required property string name
    required property string parameters
    required property string quantization
    required property string license
    required property int downloadState
    required property real received
    required property real total
    required property bool sizeIsApproximate
    required property real progress
    required property real bytesPerSecond
    required property real etaSeconds
    required property string note
    required property string error
    required property string verification
    required property bool canStart
    required property bool canPause
    required property bool canResume
    required property bool canCancel
    required property string startLabel
    required property int memoryFit       // ModelListModel.Fits / Tight / TooBig, -1 unknown
    required property string fitText
    required property int fileCount       // a split set's files; 1 for one file
    required property int currentFile     // 1-based: the file of a split set downloading now

    function size(bytes) { return Qt.locale().formattedDataSize(bytes, 1) }
    function duration(seconds) {
        if (seconds < 60) return qsTr("%1 s").arg(Math.round(seconds))
        if (seconds < 3600) return qsTr("%1 min").arg(Math.round(seconds / 60))
        return qsTr("%1 h %2 min").arg(Math.floor(seconds / 3600)).arg(Math.round((seconds % 3600) / 60))
    }

    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1 %2").arg(name).arg(quantization)

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: qsTr("%1 · %2").arg(row.name).arg(row.quantization)
                font.bold: true
                elide: Text.ElideRight
            }
            Label {
                text: row.sizeIsApproximate ? qsTr("about %1").arg(row.size(row.total)) : row.size(row.total)
                color: Theme.mutedText
            }
        }
        Label {
            text: {
                let parts = [qsTr("%1 parameters").arg(row.parameters)]
                if (row.fileCount > 1) parts.push(qsTr("%1 files").arg(row.fileCount))
                if (row.license.length > 0) parts.push(qsTr("license: %1").arg(row.license))
                return parts.join(" · ")
            }
            color: Theme.mutedText
            font.pixelSize: Theme.smallPixelSize
        }
        Label {
            objectName: "fitText"
            Layout.fillWidth: true
            visible: row.fitText.length > 0 && row.downloadState !== DownloadListModel.Done
            text: row.fitText
            wrapMode: Text.WordWrap
            color: row.memoryFit === ModelListModel.TooBig ? Theme.error
                 : row.memoryFit === ModelListModel.Tight ? Theme.warning : Theme.mutedText
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: row.downloadState === DownloadListModel.Downloading || row.downloadState === DownloadListModel.Paused
                     || row.downloadState === DownloadListModel.Verifying
            indeterminate: row.progress < 0
            value: Math.max(row.progress, 0)
            Accessible.name: qsTr("Download progress of %1").arg(row.name)
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            visible: text.length > 0
            // "File 2 of 9: " before the progress of a split set.
            readonly property string filePrefix: row.fileCount > 1
                ? qsTr("File %1 of %2: ").arg(Math.min(row.currentFile, row.fileCount)).arg(row.fileCount) : ""
            text: {
                switch (row.downloadState) {
                case DownloadListModel.Downloading:
                    return row.note.length > 0 ? filePrefix + row.note
                         : row.etaSeconds >= 0 ? filePrefix + qsTr("%1 of %2 · %3/s · %4 left").arg(row.size(row.received)).arg(row.size(row.total)).arg(row.size(row.bytesPerSecond)).arg(row.duration(row.etaSeconds))
                         : filePrefix + qsTr("%1 downloaded").arg(row.size(row.received))
                case DownloadListModel.Paused:
                    return filePrefix + qsTr("Paused at %1 of %2").arg(row.size(row.received)).arg(row.size(row.total))
                case DownloadListModel.Verifying:
                    return filePrefix + qsTr("Checking the file's SHA-256…")
                case DownloadListModel.Done:
                    return row.verification
                default:
                    return ""
                }
            }
        }
        Label {
            Layout.fillWidth: true
            visible: row.error.length > 0
            text: row.error
            wrapMode: Text.WordWrap
            color: Theme.error
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
        RowLayout {
            Layout.alignment: Qt.AlignRight
            OutlineButton {
                visible: row.canStart
                objectName: "startDownload"
                text: row.startLabel
                // A model too big for this computer can still be downloaded, but is not the
                // suggested action.
                highlighted: row.memoryFit !== ModelListModel.TooBig
                onClicked: row.downloads.start(row.catalogueId)
                Accessible.name: qsTr("Download %1 %2").arg(row.name).arg(row.quantization)
            }
            OutlineButton {
                visible: row.canPause
                text: qsTr("Pause")
                onClicked: row.downloads.pause(row.catalogueId)
                Accessible.name: qsTr("Pause downloading %1").arg(row.name)
            }
            OutlineButton {
                visible: row.canResume
                text: qsTr("Resume")
                highlighted: true
                onClicked: row.downloads.resume(row.catalogueId)
                Accessible.name: qsTr("Resume downloading %1").arg(row.name)
            }
            OutlineButton {
                visible: row.canCancel
                text: qsTr("Cancel")
                onClicked: row.downloads.cancel(row.catalogueId)
                Accessible.name: row.fileCount > 1 ? qsTr("Cancel downloading %1 and delete the files downloaded so far").arg(row.name)
                                                   : qsTr("Cancel downloading %1 and delete the partial file").arg(row.name)
            }
        }
    }
}
