import QtQuick
import QtTest
import Ponder

// The composer's keys and its Send button, on real chat controllers (tst_ponder_qml.cpp):
// testChat has no model (sending blocked), readyChat has the bundled demo model.
//  - blocked: the reason shows, Send is disabled, Enter is swallowed (no newline, nothing sent)
//  - Shift+Enter always starts a new line; with "Ctrl+Enter sends", plain Enter does
//  - with a model: Enter sends and clears the input, the button turns into Stop while the model
//    answers, and Shift+Enter never sends
// TestCase itself is invisible: the components live in this Item to be shown and clicked.
Item {
    id: root
    width: 700
    height: 300

    TestCase {
        id: testCase
        name: "Composer"
        when: windowShown

        Component {
            id: composerComponent
            Composer {
                width: 600
                height: 140
            }
        }

        function init() {
            failOnWarning(/.?/)
        }

        function cleanupTestCase() {
            // The demo model answers quickly; nothing may still run when the controllers go.
            tryCompare(readyChat, "generating", false, 60000)
        }

        function createComposer(chat, properties) {
            let props = {chat: chat}
            for (const key in properties)
                props[key] = properties[key]
            const composer = createTemporaryObject(composerComponent, root, props)
            verify(composer, "Composer created")
            waitForRendering(composer)
            return composer
        }

        // Puts `text` into the input with the cursor at its end and keyboard focus on it.
        function typeInto(composer, text) {
            const input = findChild(composer, "composerInput")
            verify(input)
            input.forceActiveFocus()
            verify(input.activeFocus)
            input.text = text
            input.cursorPosition = input.length
            return input
        }

        function hasNewline(text) { return /[\n\u2028\u2029]/.test(text) }

        function test_blockedShowsReasonAndDisablesSend() {
            verify(!testChat.canSend)
            verify(testChat.sendBlockedReason.length > 0)
            const composer = createComposer(testChat, {})
            const reason = findChild(composer, "sendBlockedReason")
            verify(reason)
            verify(reason.visible, "the reason is shown instead of a dead button")
            compare(reason.text, testChat.sendBlockedReason)
            const send = findChild(composer, "sendButton")
            typeInto(composer, "hello")
            compare(send.text, "Send")
            verify(!send.enabled, "Send is disabled without a model, even with text")
        }

        function test_enterIsSwallowedWhenBlocked() {
            const composer = createComposer(testChat, {})
            const input = typeInto(composer, "hello")
            keyClick(Qt.Key_Return)
            keyClick(Qt.Key_Enter)  // the keypad's Enter too
            compare(input.text, "hello", "no newline, and nothing sent (the text stays)")
            compare(testChat.messages.rowCount(), 0)
        }

        function test_shiftEnterStartsANewLine() {
            const composer = createComposer(testChat, {})
            const input = typeInto(composer, "hello")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            verify(hasNewline(input.text), "Shift+Enter inserts a line break: " + JSON.stringify(input.text))
            compare(input.text.substring(0, 5), "hello")
        }

        function test_ctrlEnterMode() {
            const composer = createComposer(testChat, {sendWithCtrlEnter: true})
            const input = typeInto(composer, "hello")
            verify(input.placeholderText.indexOf("Ctrl+Enter") >= 0)
            keyClick(Qt.Key_Return, Qt.ControlModifier)
            compare(input.text, "hello", "Ctrl+Enter is the send key: swallowed, not a newline")
            keyClick(Qt.Key_Return)
            verify(hasNewline(input.text), "plain Enter starts a new line in this mode")
        }

        function test_enterSendsWithAModel() {
            tryCompare(readyChat, "canSend", true, 30000)
            const composer = createComposer(readyChat, {})
            const countBefore = readyChat.messages.rowCount()
            const send = findChild(composer, "sendButton")
            verify(!findChild(composer, "sendBlockedReason").visible)
            const input = typeInto(composer, "What is 47 + 385?")
            verify(send.enabled)

            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            verify(hasNewline(input.text), "Shift+Enter never sends")
            compare(readyChat.messages.rowCount(), countBefore)

            input.text = "What is 47 + 385?"
            input.cursorPosition = input.length
            keyClick(Qt.Key_Return)
            compare(input.text, "", "Enter sent the message and cleared the input")
            verify(readyChat.generating)
            compare(readyChat.messages.rowCount(), countBefore + 2)  // the question and the answer being written
            compare(send.text, "Stop")
            verify(send.enabled, "Stop is always available while the model writes")

            tryCompare(readyChat, "generating", false, 60000)
            compare(send.text, "Send")
            verify(!send.enabled, "nothing to send: the input is empty")
        }

        function test_sendButtonSends() {
            tryCompare(readyChat, "canSend", true, 30000)
            const composer = createComposer(readyChat, {})
            const countBefore = readyChat.messages.rowCount()
            const send = findChild(composer, "sendButton")
            const input = typeInto(composer, "What is 63 * 7?")
            verify(send.enabled)
            mouseClick(send)
            compare(input.text, "")
            compare(readyChat.messages.rowCount(), countBefore + 2)
            tryCompare(readyChat, "generating", false, 60000)
        }

        // Tab leaves the message box (the keyboard user is never trapped); Ctrl+Tab types a tab.
        function test_tabLeavesTheComposer() {
            tryCompare(readyChat, "canSend", true, 30000)
            const composer = createComposer(readyChat, {})
            const input = typeInto(composer, "hello")
            keyClick(Qt.Key_Tab, Qt.ControlModifier)
            compare(input.text, "hello\t", "Ctrl+Tab types a tab")
            keyClick(Qt.Key_Tab)
            verify(!input.activeFocus, "Tab moves the focus out of the message box")
            verify(findChild(composer, "sendButton").activeFocus, "to the Send button")
            compare(readyChat.generating, false, "and sends nothing")
        }

        // A long message grows the box up to eight whole lines, then scrolls inside its frame:
        // the text never runs over the frame's edge and the box never shows half a line.
        function test_tallComposerKeepsWholeLines() {
            const composer = createComposer(testChat, {})
            const input = typeInto(composer, "")
            const scroll = findChild(composer, "composerScroll")
            const frame = findChild(composer, "composerFrame")
            const oneLine = scroll.height
            let text = "line 1"
            for (let i = 2; i <= 20; ++i) text += "\nline " + i
            input.text = text
            input.cursorPosition = input.length
            waitForRendering(composer)
            verify(scroll.height > oneLine * 3, "it grew: " + scroll.height)
            verify(scroll.clip, "the text is clipped to the box")
            const lineSpacing = (scroll.height - input.topPadding - input.bottomPadding) / composer.maxLines
            const r = scroll.mapToItem(frame, 0, 0, scroll.width, scroll.height)
            verify(r.y >= 0 && r.y + r.height <= frame.height, "the scrolled text stays inside the frame")
            // The box holds exactly maxLines lines (plus padding), so scrolling shows whole lines.
            verify(Math.abs(lineSpacing - Math.round(lineSpacing)) < 0.01, "whole lines: " + lineSpacing)
        }

        // The box takes its width from the view, not from its text, so it is right on the first
        // frame (after a restart it came up about 310 px wide until something re-laid the page).
        function test_widthFollowsTheViewFromTheStart() {
            const composer = createComposer(testChat, {})
            const frame = findChild(composer, "composerFrame")
            compare(frame.width, Math.min(760, composer.width - 48))
        }

        function test_whitespaceIsNotSent() {
            tryCompare(readyChat, "canSend", true, 30000)
            const composer = createComposer(readyChat, {})
            const countBefore = readyChat.messages.rowCount()
            const input = typeInto(composer, "   ")
            verify(!findChild(composer, "sendButton").enabled)
            keyClick(Qt.Key_Return)
            compare(input.text, "   ")
            compare(readyChat.messages.rowCount(), countBefore)
        }
    }
}
