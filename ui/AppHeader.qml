import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Ponder.Core

// The window's header: the sidebar toggle, the name, where answers come from, the three pages
// and the two dialogs. The same items in the same places on every page (the page being shown is
// marked, not renamed), so nothing jumps when the user moves between pages.
ToolBar {
    id: header

    required property ChatController chat
    required property ModelPicker picker
    required property string page
    required property bool sidebarVisible
    signal pageRequested(string page)
    signal sidebarToggled()
    signal settingsRequested()
    signal helpRequested()
    signal manageProvidersRequested()

    padding: 0
    background: Rectangle {
        color: Theme.sidebar
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
    }

    // One page button: text, checked while its page is shown.
    component PageButton: ToolButton {
        required property string target
        checkable: false
        checked: header.page === target
        font.weight: checked ? Font.DemiBold : Font.Normal
        padding: 8
        onClicked: header.pageRequested(target)
        contentItem: Label {
            text: parent.text
            font: parent.font
            color: parent.checked ? Theme.accentText : Theme.text
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            radius: 8
            color: parent.checked ? Theme.selected : parent.hovered ? Theme.hover : "transparent"
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 6
        anchors.rightMargin: 6
        spacing: 2

        IconButton {
            objectName: "sidebarToggle"
            iconName: "sidebar"
            text: header.sidebarVisible ? qsTr("Hide conversations") : qsTr("Show conversations")
            onClicked: header.sidebarToggled()
        }
        Label {
            text: qsTr("Ponder")
            font.weight: Font.DemiBold
            font.pixelSize: Theme.bodyPixelSize + 2
            color: Theme.text
            Layout.leftMargin: 4
            Layout.rightMargin: 8
            visible: header.width >= 960
        }
        ModelPickerButton {
            Layout.fillWidth: true
            Layout.maximumWidth: 440
            Layout.minimumWidth: 120
            chat: header.chat
            picker: header.picker
            onManageProvidersRequested: header.manageProvidersRequested()
        }
        Item { Layout.fillWidth: true }
        PageButton { objectName: "chatPageButton"; target: "chat"; text: qsTr("Chat"); Accessible.name: qsTr("Chat") }
        PageButton { objectName: "modelsPageButton"; target: "models"; text: qsTr("Models"); Accessible.name: qsTr("Models") }
        PageButton { objectName: "providersPageButton"; target: "providers"; text: qsTr("Providers"); Accessible.name: qsTr("Remote providers") }
        ToolSeparator { Layout.fillHeight: true; Layout.topMargin: 10; Layout.bottomMargin: 10 }
        IconButton {
            objectName: "settingsButton"
            iconName: "settings"
            text: qsTr("Settings")
            onClicked: header.settingsRequested()
        }
        IconButton {
            objectName: "helpButton"
            iconName: "help"
            text: qsTr("Keyboard shortcuts")
            onClicked: header.helpRequested()
        }
    }
}
