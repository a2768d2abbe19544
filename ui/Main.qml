import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Ponder.Core

// The window: header (where answers come from, pages), the conversation sidebar, and the chat,
// models or providers page. Every object comes from main.cpp; this file only lays them out, feeds
// the theme, and binds shortcuts. The look is decided in docs/design.md.
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
    color: Theme.background

    // The theme follows the settings; Material's own colours follow the theme.
    Binding { target: Theme; property: "dark"; value: window.settings.darkTheme }
    Binding { target: Theme; property: "fontPoints"; value: window.settings.fontSize }
    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    Material.background: Theme.background
    Material.foreground: Theme.text
    font.pixelSize: Theme.uiPixelSize
    // Material writes button text in capitals; sentence case reads calmer (docs/design.md).
    font.capitalization: Font.MixedCase
    // Plain Qt Quick items (TextEdits, plain Rectangles) read `palette`.
    palette.text: Theme.text
    palette.windowText: Theme.text
    palette.buttonText: Theme.text
    palette.base: Theme.background
    palette.alternateBase: Theme.surface
    palette.window: Theme.background
    palette.mid: Theme.border
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.onAccent
    palette.link: Theme.link
    palette.placeholderText: Theme.mutedText

    onClosing: {
        settings.setValue("windowWidth", width)
        settings.setValue("windowHeight", height)
    }

    property string page: "chat"

    header: AppHeader {
        chat: window.chat
        picker: window.picker
        page: window.page
        sidebarVisible: sidebar.visible
        onPageRequested: target => window.page = target
        onSidebarToggled: sidebar.visible = !sidebar.visible
        onSettingsRequested: settingsDialog.open()
        onHelpRequested: helpSheet.open()
        onManageProvidersRequested: window.page = "providers"
    }

    SplitView {
        anchors.fill: parent
        handle: Rectangle {
            implicitWidth: 1
            color: Theme.border
        }
        Sidebar {
            id: sidebar
            SplitView.preferredWidth: 270
            SplitView.minimumWidth: 200
            SplitView.maximumWidth: 420
            chat: window.chat
            conversations: window.conversations
            onExportRequested: (conversationId, format) => exportDialog.openFor(conversationId, format)
            onConversationChosen: chatView.focusComposer()
        }
        StackLayout {
            SplitView.fillWidth: true
            currentIndex: ["chat", "models", "providers"].indexOf(window.page)
            ChatView {
                id: chatView
                chat: window.chat
                sendWithCtrlEnter: window.settings.sendWithCtrlEnter
                tabInsertsTab: window.settings.tabInsertsTab
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

    SettingsDialog {
        id: settingsDialog
        settings: window.settings
        onThinkingCurveRequested: curvePicker.open()
    }
    FilePicker {
        id: curvePicker
        objectName: "thinkingCurvePicker"
        title: qsTr("Open an eval result")
        nameFilters: [qsTr("Eval results (*.json)")]
        onChosen: urls => curveDialog.show(urls[0])
    }
    ThinkingCurveDialog { id: curveDialog }
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
        objectName: "toast"
        property string message
        // At the top, under the header: down below it would cover the composer.
        x: (window.width - width) / 2
        y: 12
        padding: 12
        closePolicy: Popup.CloseOnEscape
        background: Rectangle { radius: 10; color: Theme.dialog; border.color: Theme.border }
        Label {
            text: toast.message
            color: Theme.text
            wrapMode: Text.Wrap
            width: Math.min(implicitWidth, window.width * 0.7)
        }
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

    UndoBar {
        objectName: "undoBar"
        chat: window.chat
        parent: Overlay.overlay
        z: 10
        x: (window.width - width) / 2
        y: (window.header ? window.header.height : 0) + 12
    }
    FocusRing { window: window }

    Shortcut { sequence: StandardKey.New; onActivated: { window.page = "chat"; window.chat.newConversation(); chatView.focusComposer() } }
    Shortcut { sequence: StandardKey.Find; onActivated: { sidebar.visible = true; sidebar.focusSearch() } }
    Shortcut { sequence: "Esc"; enabled: window.chat.generating; onActivated: window.chat.stop() }
    Shortcut { sequence: "Ctrl+R"; enabled: window.chat.canRegenerate; onActivated: window.chat.regenerateLast() }
    Shortcut { sequence: "Ctrl+M"; onActivated: window.page = window.page === "models" ? "chat" : "models" }
    Shortcut { sequence: "Ctrl+,"; onActivated: settingsDialog.open() }
    Shortcut { sequence: "F1"; onActivated: helpSheet.open() }
    Shortcut { sequence: StandardKey.Quit; onActivated: window.close() }
    Shortcut { sequences: [StandardKey.Undo]; enabled: window.chat.pendingDeletion.active; onActivated: window.chat.undoDelete() }
    Shortcut { sequence: "Shift+Esc"; onActivated: { window.page = "chat"; chatView.focusComposer() } }
    Shortcut { sequence: "Ctrl+Shift+S"; onActivated: sidebar.visible = !sidebar.visible }
    Shortcut { sequence: "Ctrl+PgDown"; onActivated: sidebar.openNext(1) }
    Shortcut { sequence: "Ctrl+PgUp"; onActivated: sidebar.openNext(-1) }
    Shortcut { sequence: "Ctrl+L"; onActivated: { sidebar.visible = true; sidebar.focusList() } }

    Component.onCompleted: chatView.focusComposer()
}
