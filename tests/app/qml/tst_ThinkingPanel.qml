import QtQuick
import QtTest
import Ponder

// The thinking panel: "Thinking… N s" ticking while the model thinks, the reasoning shown only
// when expanded, a click on the header (or Space / Enter on it) asks the message to toggle, and
// the final label the model gives ("Thought for 3.2 seconds", "Stopped after thinking for ...":
// its wording is tested in test_answer_rendering).
// TestCase itself is invisible: the components live in this Item to be shown and clicked.
Item {
    id: root
    width: 600
    height: 400

    TestCase {
        id: testCase
        name: "ThinkingPanel"
        when: windowShown

        Component {
            id: panelComponent
            ThinkingPanel {
                width: 500
                reasoning: "First, 7 + 5 = 12."
                thinking: true
                label: "Thought for 3.2 seconds"
                startedAt: Date.now()
            }
        }

        SignalSpy {
            id: toggleSpy
            signalName: "toggleRequested"
        }
        SignalSpy {
            id: answerNowSpy
            signalName: "answerNowRequested"
        }

        function init() {
            failOnWarning(/.?/)
            toggleSpy.clear()
            answerNowSpy.clear()
        }

        function createPanel(properties) {
            const panel = createTemporaryObject(panelComponent, root, properties)
            verify(panel, "ThinkingPanel created")
            return panel
        }

        function header(panel) { return findChild(panel, "thinkingHeader") }
        function body(panel) { return findChild(panel, "thinkingBody") }

        // The seconds shown in "Thinking… N s", or -1.
        function shownSeconds(h) {
            const m = /^Thinking… (\d+) s$/.exec(h.text)
            return m ? parseInt(m[1]) : -1
        }

        function test_liveTimerWhileThinking() {
            const panel = createPanel({startedAt: Date.now() - 3000})
            const h = header(panel)
            verify(h)
            // The timer's first tick is queued (triggeredOnStart); it counts from startedAt...
            tryVerify(() => shownSeconds(h) >= 3, 1000, "counts from startedAt: " + h.text)
            verify(shownSeconds(h) <= 5, h.text)
            // ...and ticks on its own.
            const first = shownSeconds(h)
            tryVerify(() => shownSeconds(h) === first + 1, 2500, "ticks: " + h.text)
            verify(findChild(panel, "thinkingTitle").font.italic, "italic while thinking")
        }

        function test_bodyOnlyWhenExpanded() {
            const panel = createPanel({})
            const b = body(panel)
            verify(b)
            verify(!b.visible, "collapsed: no reasoning text")
            panel.expanded = true
            verify(b.visible, "expanded: the reasoning text shows")
            compare(b.text, "First, 7 + 5 = 12.")
            compare(header(panel).Accessible.name.substring(0, 14), "Hide reasoning")
            panel.expanded = false
            verify(!b.visible)
        }

        function test_expandedWithoutReasoningShowsNoEmptyBody() {
            const panel = createPanel({reasoning: "", expanded: true})
            verify(!body(panel).visible)
        }

        function test_headerClickRequestsToggle() {
            const panel = createPanel({thinking: false})
            toggleSpy.target = panel
            const h = header(panel)
            waitForRendering(h)
            mouseClick(h)
            compare(toggleSpy.count, 1)
            // The panel does not flip itself: the expanded state belongs to the message.
            verify(!panel.expanded)
            compare(h.Accessible.name, "Show reasoning: Thought for 3.2 seconds")
        }

        function test_keyboardToggles() {
            const panel = createPanel({thinking: false})
            toggleSpy.target = panel
            const h = header(panel)
            h.forceActiveFocus(Qt.TabFocusReason)
            verify(h.activeFocus, "the header takes keyboard focus")
            keyClick(Qt.Key_Space)
            compare(toggleSpy.count, 1)
        }

        function test_finalText() {
            const panel = createPanel({thinking: false, label: "Stopped after thinking for 4.0 seconds"})
            compare(header(panel).text, "Stopped after thinking for 4.0 seconds")
            verify(!findChild(panel, "thinkingTitle").font.italic)
        }

        function test_thinkingEndsShowsFinalText() {
            const panel = createPanel({startedAt: Date.now() - 5000})
            tryVerify(() => shownSeconds(header(panel)) >= 5, 1000, header(panel).text)
            panel.label = "Thought for 5.2 seconds"
            panel.thinking = false
            compare(header(panel).text, "Thought for 5.2 seconds")
        }

        function shown(item) { return item && item.visible && item.width > 0 && item.height > 0 }

        // "Answer now" is offered while this answer thinks, by mouse and keyboard, and not after.
        function test_answerNowWhileThinking() {
            const panel = createPanel({canAnswerNow: true})
            answerNowSpy.target = panel
            const button = findChild(panel, "answerNowButton")
            verify(shown(button))
            compare(button.text, "Answer now")
            mouseClick(button)
            compare(answerNowSpy.count, 1)
            button.forceActiveFocus(Qt.TabFocusReason)
            keyClick(Qt.Key_Space)
            compare(answerNowSpy.count, 2)
            panel.canAnswerNow = false
            verify(!shown(button))
            // Against a server the button says what it can do: stop, not answer.
            const remote = createPanel({canAnswerNow: true, answerNowAnswers: false})
            compare(findChild(remote, "answerNowButton").text, "Stop thinking")
        }

        // Where Ponder ended the thought is marked, in an open panel and a closed one.
        function test_markShowsOpenOrClosed() {
            const mark = "Thought cut at 2,048 tokens (the thinking budget)"
            const panel = createPanel({thinking: false, expanded: false, mark: mark})
            const label = findChild(panel, "thoughtMark")
            verify(shown(label))
            compare(label.text, mark)
            panel.expanded = true
            verify(shown(label))
            verify(label.y > body(panel).y, "the mark comes after the reasoning")
            verify(!shown(findChild(createPanel({thinking: false}), "thoughtMark")))
        }

        function test_loopWarning() {
            const warning = "Loop detected at 1,234 tokens: the same 40 tokens over and over"
            const panel = createPanel({loopWarning: warning, canAnswerNow: true})
            const box = findChild(panel, "loopWarning")
            verify(shown(box))
            verify(!panel.expanded, "shown with the panel closed")
            panel.canAnswerNow = false
            verify(shown(box))
            verify(!shown(findChild(createPanel({}), "loopWarning")))
        }
    }
}
