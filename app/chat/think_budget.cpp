#include "chat/think_budget.h"

#include <QLocale>
#include <QVariantMap>

namespace ponder::app {

QString ThinkBudget::describe(int budget) {
    if (budget < 0) return tr("No limit");
    if (budget == 0) return tr("No thinking");
    return tr("%1 tokens").arg(QLocale().toString(budget));
}

QVariantList ThinkBudget::conversationChoices(int modelBudget) {
    QVariantList out;
    auto add = [&](int value, const QString& text) { out.push_back(QVariantMap{{"value", value}, {"text", text}}); };
    add(-2, tr("Model default (%1)").arg(describe(modelBudget)));
    for (int v : {-1, 0, 256, 1024, 4096, 16384}) add(v, describe(v));
    return out;
}

} // namespace ponder::app
