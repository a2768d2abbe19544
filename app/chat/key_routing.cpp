#include "chat/key_routing.h"

namespace ponder::app {

int KeyRouting::action(int key, int modifiers, bool sendWithCtrlEnter, bool tabInsertsTab) {
    const bool ctrl = modifiers & Qt::ControlModifier, shift = modifiers & Qt::ShiftModifier;
    switch (key) {
    case Qt::Key_Backtab: return FocusPrevious;
    case Qt::Key_Tab:
        if (shift) return FocusPrevious;
        // Ctrl+Tab gives whichever of the two Tab does not.
        return (tabInsertsTab != ctrl) ? InsertTab : FocusNext;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (shift) return Default;
        if (sendWithCtrlEnter) return ctrl ? Send : Default;
        return Send;  // Enter, and Ctrl+Enter too (a habit from other chat apps)
    default: return Default;
    }
}

} // namespace ponder::app
