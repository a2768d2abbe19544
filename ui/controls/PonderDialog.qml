import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import Ponder
import Ponder.Core

// Every dialog's frame: modal over a scrim that dims the window in both themes, the theme's
// dialog colour, a fixed place (centred across, a fixed distance from the top) so it does not
// jump while its content changes size, and Escape to close.
Dialog {
    id: dialog

    parent: Overlay.overlay
    modal: true
    focus: true
    x: Math.round((parent ? parent.width - width : 0) / 2)
    y: Math.round(parent ? Math.max(24, Math.min(parent.height * 0.12, parent.height - height - 24)) : 0)
    padding: 20
    topPadding: 12

    Material.background: Theme.dialog

    Overlay.modal: Rectangle { color: Theme.scrim }
    footer: DialogButtons { visible: count > 0 }
}
