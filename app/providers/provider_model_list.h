// The models of the provider being edited, with what is sent to each: sampling (or why nothing
// is), max tokens, and whether inline text starts inside "<think>". ProviderEditor owns and
// changes it; QML binds rows to the editor's setters.
#pragma once

#include "providers/provider_config.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ProviderModelList : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ProviderEditor.models provides it")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        ModelIdRole = Qt::UserRole + 1,
        SamplingIgnoredRole,  // DeepSeek's reasoner: temperature / top-p are not sent at all
        SendSamplingRole,     // temperature and top-p are sent (the effective choice)
        TemperatureRole,
        TopPRole,
        MaxTokensRole,        // 0: not sent
        ThinkStartRole,       // "auto", "inside", "outside"
        StartsInThoughtRole,  // the effective choice (auto resolved from the name)
    };
    Q_ENUM(Role)

    explicit ProviderModelList(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_provider.models.size()); }

    // The provider whose models are listed (its preset decides what is ignored).
    void reset(const ProviderConfig& provider);
    void setPreset(const QString& presetId);
    void append(const ProviderModel& model);
    void removeAt(int row);
    void replace(int row, const ProviderModel& model);
    const QList<ProviderModel>& models() const { return m_provider.models; }

signals:
    void countChanged();

private:
    ProviderConfig m_provider;  // only presetId and models are used
};

} // namespace ponder::app
