import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Ponder.Core

// The window: header (active model, pages), the conversation sidebar, and the chat or the models
// page. Every object comes from main.cpp; this file only lays them out and binds shortcuts.
ApplicationWindow {
    id: window

    required property ChatController chat
    required property ConversationListModel conversations
    required property AppSettings settings
    required property ModelLibrary library
    required property ModelLoader loader
    required property DownloadManager downloads
    required property ProviderStore providers
    required property ModelPicker picker

    width: settings.value("windowWidth", 1200)
    height: settings.value("windowHeight", 800)
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: chat.title.length ? qsTr("%1 — Ponder").arg(chat.title) : qsTr("Ponder")

    Material.theme: settings.theme === "dark" ? Material.Dark : settings.theme === "light" ? Material.Light : Material.System
    Material.accent: Material.Teal
    Material.primary: "#0f4c5c"
    font.pointSize: settings.fontSize > 0 ? settings.fontSize : Qt.application.font.pointSize
    // Plain Qt Quick items (the chat's TextEdits, bubbles, panels) read `palette`; feed it the
    // Material theme's colours so light and dark both read well.
    palette.text: Material.foreground
    palette.windowText: Material.foreground
    palette.base: Material.theme === Material.Dark ? "#262626" : "#ffffff"
    palette.alternateBase: Material.theme === Material.Dark ? "#383838" : "#f4f4f2"
    palette.window: Material.background
    palette.mid: Material.theme === Material.Dark ? "#555555" : "#cccccc"
    palette.highlight: Material.accent

    onClosing: {
        settings.setValue("windowWidth", width)
        settings.setValue("windowHeight", height)
    }

    property string page: "chat"

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            ToolButton {
                text: sidebar.visible ? "⟨" : "☰"
                onClicked: sidebar.visible = !sidebar.visible
                Accessible.name: sidebar.visible ? qsTr("Hide conversations") : qsTr("Show conversations")
            }
            Label {
                text: qsTr("Ponder")
                font.bold: true
                font.pointSize: window.font.pointSize * 1.15
            }
            Item { Layout.fillWidth: true }
            ModelPickerButton {
                Layout.maximumWidth: window.width * 0.45
                chat: window.chat
                picker: window.picker
                onManageProvidersRequested: window.page = "providers"
            }
            ToolButton {
                text: window.page === "models" ? qsTr("Chat") : qsTr("Models")
                onClicked: window.page = window.page === "models" ? "chat" : "models"
                Accessible.name: window.page === "models" ? qsTr("Back to chat") : qsTr("Models")
            }
            ToolButton {
                text: window.page === "providers" ? qsTr("Chat") : qsTr("Providers")
                onClicked: window.page = window.page === "providers" ? "chat" : "providers"
                Accessible.name: window.page === "providers" ? qsTr("Back to chat") : qsTr("Remote providers")
            }
            ToolButton {
                text: qsTr("Settings")
                onClicked: settingsDialog.open()
                Accessible.name: qsTr("Settings")
            }
            ToolButton {
                text: "?"
                onClicked: helpSheet.open()
                Accessible.name: qsTr("Keyboard shortcuts")
            }
        }
    }

    SplitView {
        anchors.fill: parent
        Sidebar {
            id: sidebar
            SplitView.preferredWidth: 280
            SplitView.minimumWidth: 200
            chat: window.chat
            conversations: window.conversations
            onExportRequested: (conversationId, format) => exportDialog.openFor(conversationId, format)
        }
        StackLayout {
            SplitView.fillWidth: true
            currentIndex: ["chat", "models", "providers"].indexOf(window.page)
            ChatView {
                id: chatView
                chat: window.chat
                sendWithCtrlEnter: window.settings.sendWithCtrlEnter
            }
            ModelsPage {
                library: window.library
                loader: window.loader
                downloads: window.downloads
            }
            ProvidersPage {
                id: providersPage
                objectName: "providersPage"
                store: window.providers
            }
        }
    }

    SettingsDialog { id: settingsDialog; settings: window.settings }
    HelpSheet { id: helpSheet }

    FilePicker {
        id: exportDialog
        objectName: "exportPicker"
        property var conversationId
        property string format
        function openFor(id, fmt) {
            conversationId = id
            format = fmt
            nameFilters = fmt === "md" ? [qsTr("Markdown (*.md)")] : [qsTr("JSON (*.json)")]
            defaultSuffix = fmt
            open()
        }
        title: qsTr("Export conversation")
        mode: "saveFile"
        onChosen: urls => window.chat.exportConversation(conversationId, format, urls[0])
    }

    Popup {
        id: toast
        property string message
        x: (window.width - width) / 2
        y: window.height - height - 90
        padding: 10
        Label { text: toast.message; wrapMode: Text.Wrap; width: Math.min(implicitWidth, window.width * 0.7) }
        Timer { id: toastTimer; interval: 4000; onTriggered: toast.close() }
        function show(text) { message = text; open(); toastTimer.restart() }
    }
    Connections {
        target: window.chat
        function onNotice(text) { toast.show(text) }
    }
    Connections {
        target: window.picker
        function onNoticeChanged() { if (window.picker.notice.length > 0) toast.show(window.picker.notice) }
        function onProviderSetupRequested(providerId) {
            window.page = "providers"
            providersPage.editProvider(providerId)
        }
    }

    Shortcut { sequence: StandardKey.New; onActivated: { window.page = "chat"; window.chat.newConversation(); chatView.focusComposer() } }
    Shortcut { sequence: StandardKey.Find; onActivated: { sidebar.visible = true; sidebar.focusSearch() } }
    Shortcut { sequence: "Esc"; enabled: window.chat.generating; onActivated: window.chat.stop() }
    Shortcut { sequence: "Ctrl+R"; enabled: window.chat.canRegenerate; onActivated: window.chat.regenerateLast() }
    Shortcut { sequence: "Ctrl+M"; onActivated: window.page = window.page === "models" ? "chat" : "models" }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDialog.open() }
    Shortcut { sequence: "F1"; onActivated: helpSheet.open() }
    Shortcut { sequence: StandardKey.Quit; onActivated: window.close() }

    Component.onCompleted: chatView.focusComposer()
}
