import QtQuick
import QtQuick.Controls
import Ponder
import Ponder.Core

// The one visible focus ring of the window: it follows whatever item has keyboard focus (when it
// got it from the keyboard: Tab, arrows, shortcuts), above everything, dialogs included. One ring
// for all controls instead of one per control, so nothing can be left without it.
Item {
    id: ring

    required property Window window
    readonly property Item target: window.activeFocusItem
    // Controls say whether their focus came from the keyboard. Text fields show focus their own
    // way (the composer's and the editor's border, Material's underline), so get no ring.
    readonly property bool shown: target !== null && target !== window.contentItem && target.visible
                                  && target.visualFocus === true

    parent: Overlay.overlay
    z: 100000
    visible: shown
    enabled: false  // never takes input

    function follow() {
        if (!shown) return
        const r = target.mapToItem(ring.parent, 0, 0, target.width, target.height)
        // Around the item, but never past the window's edge (where it could not be seen).
        const left = Math.max(0, r.x - 3), top = Math.max(0, r.y - 3)
        frame.x = left
        frame.y = top
        frame.width = Math.min(ring.parent.width, r.x + r.width + 3) - left
        frame.height = Math.min(ring.parent.height, r.y + r.height + 3) - top
    }
    onTargetChanged: follow()
    onShownChanged: follow()
    // Items move under the ring (lists scroll, layouts settle): follow each frame while shown.
    Connections {
        target: ring.shown ? ring.window : null
        function onFrameSwapped() { ring.follow() }
    }

    Rectangle {
        id: frame
        objectName: "focusRing"
        color: "transparent"
        radius: 8
        border.width: 2
        border.color: Theme.accentText
    }
}
