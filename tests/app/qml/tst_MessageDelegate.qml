import QtQuick
import QtTest
import Ponder

// One message as the chat view shows it, given the values the message model would give it:
// the actions per role and per controller state, the sibling pager, the thinking panel and its
// "hidden" setting, the "Answer: X" chip, code blocks with their copy button, editing.
// TestCase itself is invisible: the components live in this Item to be shown and clicked.
Item {
    id: root
    width: 900
    height: 700

    TestCase {
        id: testCase
        name: "MessageDelegate"
        when: windowShown

        Component {
            id: delegateComponent
            MessageDelegate {}
        }

        function init() {
            failOnWarning(/.?/)
        }

        // An assistant answer as the model gives it; `overrides` changes any of it.
        function createMessage(overrides) {
            let props = {
                index: 0,
                messageId: 7,
                role: "assistant",
                content: "So the sum is $\\boxed{432}$.",
                answerBlocks: [{kind: "prose", text: "So the sum is 432.", language: "", html: "So the sum is 432."}],
                reasoning: "7 + 5 = 12, carry the 1.",
                thinking: false,
                thinkingSeconds: 3,
                thinkingLabel: "Thought for 3.0 seconds",
                thinkingStartedAt: 0,
                reasoningExpanded: false,
                reasoningVisible: true,
                state: "complete",
                errorText: "",
                siblingIndex: 0,
                siblingCount: 1,
                statsText: "42 tokens · 10.0 tokens/s",
                boxedAnswer: "432",
                streaming: false,
                thoughtMark: "",
                loopWarning: "",
                chat: testChat,
            }
            for (const key in overrides)
                props[key] = overrides[key]
            const message = createTemporaryObject(delegateComponent, root, props)
            verify(message, "MessageDelegate created")
            waitForRendering(message)
            return message
        }

        function userMessage(overrides) {
            let props = {role: "user", content: "What is 47 + 385?", answerBlocks: [], reasoning: "",
                         thinkingSeconds: 0, statsText: "", boxedAnswer: ""}
            for (const key in overrides)
                props[key] = overrides[key]
            return createMessage(props)
        }

        function shown(item) { return item !== null && item.visible }

        function test_userActions() {
            const message = userMessage({})
            verify(shown(findChild(message, "messageActions")))
            verify(shown(findChild(message, "copyMessageButton")))
            verify(shown(findChild(message, "editButton")), "a question can be edited")
            verify(!shown(findChild(message, "regenerateButton")), "a question cannot be regenerated")
            verify(shown(findChild(message, "deleteButton")))
            verify(!shown(findChild(message, "thinkingPanel")))
            verify(!shown(findChild(message, "boxedAnswer")))
        }

        function test_assistantActions() {
            const message = createMessage({})
            verify(shown(findChild(message, "copyMessageButton")))
            verify(!shown(findChild(message, "editButton")), "an answer cannot be edited")
            verify(shown(findChild(message, "regenerateButton")), "an answer can be regenerated")
            verify(shown(findChild(message, "deleteButton")))
        }

        function test_actionsFollowTheController() {
            // No model: nothing can be (re)sent, but messages can still be copied and deleted.
            const blockedUser = userMessage({})
            verify(!findChild(blockedUser, "editButton").enabled)
            verify(findChild(blockedUser, "copyMessageButton").enabled)
            verify(findChild(blockedUser, "deleteButton").enabled)
            const blockedAnswer = createMessage({})
            verify(!findChild(blockedAnswer, "regenerateButton").enabled)
            verify(findChild(blockedAnswer, "deleteButton").enabled)

            // With a model and idle: editing and regenerating are offered.
            tryCompare(readyChat, "canSend", true, 30000)
            verify(findChild(userMessage({chat: readyChat}), "editButton").enabled)
            verify(findChild(createMessage({chat: readyChat}), "regenerateButton").enabled)
        }

        function test_noActionsWhileStreaming() {
            const message = createMessage({streaming: true, state: "streaming", thinking: true,
                                           thinkingStartedAt: Date.now(), boxedAnswer: "", statsText: ""})
            verify(!shown(findChild(message, "messageActions")))
            verify(shown(findChild(message, "thinkingPanel")), "the panel shows while the model thinks")
        }

        function test_siblingPager() {
            const message = createMessage({siblingIndex: 1, siblingCount: 3})
            const label = findChild(message, "siblingLabel")
            verify(shown(label))
            compare(label.text, "2/3")
            verify(shown(findChild(message, "previousSiblingButton")))
            verify(findChild(message, "previousSiblingButton").enabled)
            verify(findChild(message, "nextSiblingButton").enabled)

            const first = createMessage({siblingIndex: 0, siblingCount: 2})
            compare(findChild(first, "siblingLabel").text, "1/2")
            verify(!findChild(first, "previousSiblingButton").enabled, "no version before the first")
            verify(findChild(first, "nextSiblingButton").enabled)

            const last = createMessage({siblingIndex: 2, siblingCount: 3})
            verify(!findChild(last, "nextSiblingButton").enabled, "no version after the last")
        }

        function test_noPagerForASingleVersion() {
            const message = createMessage({})
            verify(!shown(findChild(message, "siblingLabel")))
            verify(!shown(findChild(message, "previousSiblingButton")))
            verify(!shown(findChild(message, "nextSiblingButton")))
        }

        function test_thinkingPanel() {
            const message = createMessage({})
            const panel = findChild(message, "thinkingPanel")
            verify(shown(panel))
            compare(findChild(panel, "thinkingHeader").text, "Thought for 3.0 seconds")
            verify(!findChild(panel, "thinkingBody").visible)

            const expanded = createMessage({reasoningExpanded: true})
            verify(shown(findChild(expanded, "thinkingBody")))
        }

        function test_thinkingPanelHidden() {
            const message = createMessage({reasoningVisible: false})
            verify(!shown(findChild(message, "thinkingPanel")), "the settings hide thinking panels")
            const noReasoning = createMessage({reasoning: ""})
            verify(!shown(findChild(noReasoning, "thinkingPanel")), "nothing to show")
        }

        function test_boxedAnswerChip() {
            const message = createMessage({})
            const chip = findChild(message, "boxedAnswer")
            verify(shown(chip))
            compare(chip.Accessible.name, "Answer: 432")

            verify(!shown(findChild(createMessage({boxedAnswer: ""}), "boxedAnswer")))
            verify(!shown(findChild(createMessage({streaming: true, state: "streaming"}), "boxedAnswer")),
                   "no chip until the answer is final")
        }

        function test_codeBlock() {
            const message = createMessage({
                content: "Here:\n```python\nprint(1)\n```\n",
                answerBlocks: [{kind: "prose", text: "Here:", language: "", html: "Here:"},
                               {kind: "code", text: "print(1)\n", language: "python", html: "<pre>print(1)</pre>"}],
                boxedAnswer: ""})
            const copy = findChild(message, "copyCodeButton")
            verify(shown(copy), "a code block has its own copy button")
            compare(copy.text, "Copy code")
            mouseClick(copy)
            compare(copy.text, "Copied")
            tryCompare(copy, "text", "Copy code", 3000)
        }

        function test_proseOnlyHasNoCodeBlock() {
            const message = createMessage({})
            compare(findChild(message, "copyCodeButton"), null)
        }

        function test_editShowsTheQuestion() {
            tryCompare(readyChat, "canSend", true, 30000)
            const message = userMessage({chat: readyChat})
            const editArea = findChild(message, "editArea")
            verify(!shown(editArea))
            mouseClick(findChild(message, "editButton"))
            verify(message.editing)
            verify(shown(editArea))
            compare(editArea.text, "What is 47 + 385?")
            verify(!shown(findChild(message, "messageActions")), "no actions while editing")
            keyClick(Qt.Key_Escape)
            verify(!message.editing, "Esc cancels the edit")
            verify(shown(findChild(message, "messageActions")))
        }

        // A short question's editor is as wide as the reading column, not the narrow bubble, and
        // its buttons lie inside the message (they were cut off at the right edge).
        function test_editorIsAsWideAsTheColumn() {
            const message = userMessage({content: "Hi"})
            const bubble = findChild(message, "userBubble")
            verify(bubble.width < 200, "a short question has a narrow bubble: " + bubble.width)
            message.startEditing()
            const editor = findChild(message, "messageEditor")
            waitForRendering(editor)
            compare(editor.width, message.columnWidth)
            for (const name of ["editCancel", "editSave"]) {
                const button = findChild(message, name)
                const r = button.mapToItem(message, 0, 0, button.width, button.height)
                verify(r.x >= 0 && r.x + r.width <= message.width, name + " lies inside the message: " + r.x + "+" + r.width)
                verify(button.implicitWidth <= button.width + 0.5, name + " is not squeezed")
            }
        }

        // The actions appear when a message's button has keyboard focus, not only on hover.
        function test_actionsShowOnKeyboardFocus() {
            const message = createMessage({})
            const copy = findChild(message, "copyMessageButton")
            compare(copy.opacity, 0, "hidden until hovered or focused")
            copy.forceActiveFocus(Qt.TabFocusReason)
            tryCompare(copy, "opacity", 1, 1000)
        }

        function test_errorText() {
            verify(!shown(findChild(createMessage({}), "errorText")))
            const message = createMessage({state: "error", errorText: "The model stopped: out of memory.",
                                           boxedAnswer: ""})
            const label = findChild(message, "errorText")
            verify(shown(label))
            compare(label.text, "The model stopped: out of memory.")
            compare(label.opacity, 1)
        }
    }
}
