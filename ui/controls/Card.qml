import QtQuick
import QtQuick.Controls
import Ponder
import Ponder.Core

// A bordered, rounded panel for one model, download or provider.
Frame {
    padding: 14
    background: Rectangle {
        radius: Theme.radius
        color: Theme.background
        border.color: Theme.border
    }
}
