import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder
import Ponder.Core

// One configured provider: what it is, where it is, its models, and what it still needs.
Card {
    id: card

    required property string providerId
    required property string name
    required property string presetName
    required property string baseUrl
    required property var models
    required property bool keySet
    required property bool keyMissing
    required property string urlNote

    signal editRequested(string providerId)
    signal deleteRequested(string providerId, string name)

    Accessible.role: Accessible.ListItem
    Accessible.name: name

    ColumnLayout {
        anchors.fill: parent
        spacing: 6
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: card.name
                font.bold: true
                elide: Text.ElideRight
            }
            Label {
                text: card.presetName
                padding: 3
                leftPadding: 8
                rightPadding: 8
                color: Theme.text
                font.pixelSize: Theme.smallPixelSize
                background: Rectangle { radius: 8; color: Theme.hover }
            }
        }
        Label {
            Layout.fillWidth: true
            text: card.baseUrl
            elide: Text.ElideMiddle
            color: Theme.mutedText
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: card.models.length > 0 ? card.models.join(" · ") : qsTr("No models yet: use Test connection or add one by hand.")
            color: card.models.length > 0 ? Theme.text : Theme.mutedText
        }
        Label {
            Layout.fillWidth: true
            visible: card.keyMissing
            text: qsTr("Add an API key to use this provider.")
            color: Theme.error
            wrapMode: Text.WordWrap
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            visible: card.urlNote.length > 0
            text: card.urlNote
            color: Theme.warning
            wrapMode: Text.WordWrap
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: card.keySet ? qsTr("API key saved") : ""
                color: Theme.mutedText
                font.pixelSize: Theme.smallPixelSize
            }
            OutlineButton {
                text: qsTr("Edit…")
                highlighted: card.keyMissing
                onClicked: card.editRequested(card.providerId)
                Accessible.name: qsTr("Edit %1").arg(card.name)
            }
            OutlineButton {
                text: qsTr("Delete")
                onClicked: card.deleteRequested(card.providerId, card.name)
                Accessible.name: qsTr("Delete %1").arg(card.name)
            }
        }
    }
}
