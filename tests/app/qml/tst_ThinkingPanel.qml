import QtQuick
import QtTest
import Ponder

// The thinking panel: "Thinking… N s" ticking while the model thinks, the reasoning shown only
// when expanded, a click on the header asks the message to toggle, and the final
// "Thought for N seconds" (singular for one second, never "0 seconds").
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
                seconds: 0
                startedAt: Date.now()
            }
        }

        SignalSpy {
            id: toggleSpy
            signalName: "toggleRequested"
        }

        function init() {
            failOnWarning(/.?/)
            toggleSpy.clear()
        }

        function createPanel(properties) {
            const panel = createTemporaryObject(panelComponent, root, properties)
            verify(panel, "ThinkingPanel created")
            return panel
        }

        function header(panel) { return findChild(panel, "thinkingHeader") }
        function body(panel) { return findChild(panel, "thinkingBody") }

        // The seconds shown in "▸  Thinking… N s", or -1.
        function shownSeconds(h) {
            const m = /^▸  Thinking… (\d+) s$/.exec(h.text)
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
            verify(h.font.italic, "italic while thinking")
        }

        function test_bodyOnlyWhenExpanded() {
            const panel = createPanel({})
            const b = body(panel)
            verify(b)
            verify(!b.visible, "collapsed: no reasoning text")
            panel.expanded = true
            verify(b.visible, "expanded: the reasoning text shows")
            compare(b.text, "First, 7 + 5 = 12.")
            compare(header(panel).text.substring(0, 1), "▾")
            panel.expanded = false
            verify(!b.visible)
        }

        function test_expandedWithoutReasoningShowsNoEmptyBody() {
            const panel = createPanel({reasoning: "", expanded: true})
            verify(!body(panel).visible)
        }

        function test_headerClickRequestsToggle() {
            const panel = createPanel({thinking: false, seconds: 4})
            toggleSpy.target = panel
            const h = header(panel)
            waitForRendering(h)
            mouseClick(h)
            compare(toggleSpy.count, 1)
            // The panel does not flip itself: the expanded state belongs to the message.
            verify(!panel.expanded)
            compare(h.Accessible.name, "Show reasoning")
        }

        function test_finalText_data() {
            return [
                {tag: "seconds", seconds: 12.4, text: "▸  Thought for 12 seconds"},
                {tag: "rounded up", seconds: 1.6, text: "▸  Thought for 2 seconds"},
                {tag: "one second", seconds: 1.2, text: "▸  Thought for 1 second"},
                {tag: "under a second", seconds: 0.3, text: "▸  Thought for 1 second"},
                {tag: "unknown", seconds: 0, text: "▸  Thought for 1 second"},
            ]
        }

        function test_finalText(data) {
            const panel = createPanel({thinking: false, seconds: data.seconds})
            const h = header(panel)
            compare(h.text, data.text)
            verify(!h.font.italic)
        }

        function test_thinkingEndsShowsFinalText() {
            const panel = createPanel({startedAt: Date.now() - 5000})
            tryVerify(() => shownSeconds(header(panel)) >= 5, 1000, header(panel).text)
            panel.seconds = 5.2
            panel.thinking = false
            compare(header(panel).text, "▸  Thought for 5 seconds")
        }
    }
}
