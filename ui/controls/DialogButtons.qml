import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import Ponder.Core

// A dialog's row of buttons in the theme: flat ones are text buttons in the accent colour that
// reads on the dialog (Material's own accent is a fill colour and reads at 2.8:1 on dark), on
// the dialog's colour, each named for screen readers.
DialogButtonBox {
    Material.foreground: Theme.accentText
    delegate: Button {
        flat: true
        Accessible.name: text
    }
    background: Rectangle {
        color: Theme.dialog
        radius: 4
    }
}
