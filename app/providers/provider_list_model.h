// The configured providers as a list for QML (the Providers page): one row per provider with its
// name, kind, address, models and whether its API key is set. Changed only by ProviderStore, on
// the GUI thread. No row ever holds a key: only whether one is set.
#pragma once

#include "providers/provider_config.h"

#include <QAbstractListModel>
#include <QSet>
#include <QtQml/qqmlregistration.h>

namespace ponder::app {

class ProviderListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ProviderStore.providers provides it")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        ProviderIdRole = Qt::UserRole + 1,
        NameRole,
        PresetIdRole,
        PresetNameRole,    // "DeepSeek", "vLLM", "OpenAI-compatible server"
        BaseUrlRole,
        ModelsRole,        // QStringList of model ids
        NeedsKeyRole,      // the preset's server refuses requests without a key
        KeySetRole,        // a key is stored (never the key itself)
        KeyMissingRole,    // needs one and none is set: "Add an API key"
        UrlNoteRole,       // the endpoint's refusal or warning, empty when plain https
    };
    Q_ENUM(Role)

    explicit ProviderListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return static_cast<int>(m_rows.size()); }

    // ProviderStore's calls.
    int indexOf(const QString& id) const;
    void upsert(const ProviderConfig& provider, bool keySet);
    void setKeySet(const QString& id, bool keySet);
    void remove(const QString& id);

signals:
    void countChanged();

private:
    struct Row {
        ProviderConfig provider;
        bool keySet = false;
    };
    QList<Row> m_rows;
};

} // namespace ponder::app
