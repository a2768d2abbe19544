import QtQuick
import QtTest
import Ponder

// Editing a question from the keyboard: Enter saves (or Ctrl+Enter, with that setting, where
// Enter is a new line), Shift+Enter is a new line, Esc cancels, Tab leaves the text for the
// buttons (Ctrl+Tab types a tab), and nothing is saved while saving is not possible.
Item {
    id: root
    width: 800
    height: 300

    TestCase {
        name: "MessageEditor"
        when: windowShown

        Component {
            id: editorComponent
            MessageEditor { width: 700 }
        }
        SignalSpy { id: saved; signalName: "saveRequested" }
        SignalSpy { id: cancelled; signalName: "cancelRequested" }

        function init() {
            failOnWarning(/.?/)
            saved.clear()
            cancelled.clear()
        }

        function createEditor(properties) {
            const editor = createTemporaryObject(editorComponent, root, properties)
            verify(editor)
            saved.target = editor
            cancelled.target = editor
            editor.text = "What is 2 + 2?"
            editor.focusInput()
            waitForRendering(editor)
            const area = findChild(editor, "editArea")
            verify(area.activeFocus)
            return editor
        }

        function test_enterSaves() {
            const editor = createEditor({})
            keyClick(Qt.Key_Return)
            compare(saved.count, 1)
            compare(saved.signalArguments[0][0], "What is 2 + 2?")
        }

        function test_shiftEnterIsANewLine() {
            const editor = createEditor({})
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            compare(saved.count, 0)
            verify(/[\n\u2029]/.test(findChild(editor, "editArea").text))
        }

        function test_ctrlEnterMode() {
            const editor = createEditor({sendWithCtrlEnter: true})
            keyClick(Qt.Key_Return)
            compare(saved.count, 0, "Enter is a new line in this mode")
            keyClick(Qt.Key_Return, Qt.ControlModifier)
            compare(saved.count, 1)
        }

        function test_escapeCancels() {
            createEditor({})
            keyClick(Qt.Key_Escape)
            compare(cancelled.count, 1)
            compare(saved.count, 0)
        }

        function test_tabLeavesCtrlTabTypesATab() {
            const editor = createEditor({})
            const area = findChild(editor, "editArea")
            keyClick(Qt.Key_Tab, Qt.ControlModifier)
            verify(area.text.indexOf("\t") >= 0, "Ctrl+Tab types a tab")
            keyClick(Qt.Key_Tab)
            verify(!area.activeFocus, "Tab moves the focus on")
            verify(findChild(editor, "editCancel").activeFocus, "to the Cancel button")
            keyClick(Qt.Key_Tab)
            verify(findChild(editor, "editSave").activeFocus, "then Save and send")
            keyClick(Qt.Key_Space)
            compare(saved.count, 1, "Space on the focused button saves")
        }

        function test_tabSettingTypesATab() {
            const editor = createEditor({tabInsertsTab: true})
            const area = findChild(editor, "editArea")
            keyClick(Qt.Key_Tab)
            verify(area.activeFocus && area.text.indexOf("\t") >= 0, "Tab types a tab with that setting")
            keyClick(Qt.Key_Tab, Qt.ControlModifier)
            verify(!area.activeFocus, "and Ctrl+Tab moves on")
        }

        function test_nothingSavedWhenBlocked() {
            createEditor({canSave: false})
            keyClick(Qt.Key_Return)
            compare(saved.count, 0)
        }
    }
}
