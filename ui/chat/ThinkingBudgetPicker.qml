import QtQuick
import QtQuick.Controls
import Ponder
import Ponder.Core

// How long the next answers of this conversation may think: the model's own setting, no limit,
// no thinking, or a budget in tokens. Small and flat under the message box; kept with the
// conversation (ChatController::conversationThinkBudget).
ComboBox {
    id: picker

    required property ChatController chat

    flat: true
    textRole: "text"
    valueRole: "value"
    model: ThinkBudget.conversationChoices(picker.chat.modelThinkBudget)
    currentIndex: indexOfValue(picker.chat.conversationThinkBudget)
    // A new list (the model's budget changed) resets the index: bind it again once it is in.
    onModelChanged: Qt.callLater(() => currentIndex = Qt.binding(() => indexOfValue(picker.chat.conversationThinkBudget)))
    onActivated: picker.chat.conversationThinkBudget = currentValue
    displayText: qsTr("Thinking: %1").arg(currentText)
    font.pixelSize: Theme.bodyPixelSize - 2
    implicitHeight: 30
    // As wide as what it says (a flat ComboBox otherwise sizes to its narrowest item).
    implicitWidth: shown.advanceWidth + leftPadding + rightPadding + (indicator ? indicator.width : 24) + 8
    TextMetrics { id: shown; font: picker.font; text: picker.displayText }
    Accessible.name: qsTr("Thinking budget for this conversation")
    ToolTip.visible: hovered || visualFocus
    ToolTip.delay: 600
    ToolTip.text: picker.chat.answerNowAnswers
                  ? qsTr("After this many tokens of thought Ponder ends the thought and the model answers")
                  : qsTr("Passed to servers that take a thinking budget (vLLM); others think as long as they like")
}
