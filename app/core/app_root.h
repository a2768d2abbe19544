// Builds and wires the app's objects for one profile (data folder): the database, the stores, the
// list models, the engine worker thread and the controllers. main.cpp and the end-to-end test both
// build the app through this class, so the test runs what users run.
#pragma once

#include "core/app_paths.h"

#include "ponder/storage.h"

#include <QObject>
#include <QSettings>
#include <QThread>
#include <QVariantMap>
#include <memory>

class QNetworkAccessManager;
class QQmlEngine;

namespace ponder {
class ConversationStore;
class ModelRegistry;
}

namespace ponder::app {

class AppSettings;
class ChatController;
class ConversationListModel;
class DownloadManager;
class EngineWorker;
class RemoteWorker;
class ModelLibrary;
class ModelLoader;
class ModelSettingsStore;
class DatabaseLibraryStore;
class ModelPicker;
class ProviderStore;
class SecretStore;

class AppRoot : public QObject {
    Q_OBJECT
public:
    explicit AppRoot(const QString& dataDirOverride = {}, QObject* parent = nullptr);
    ~AppRoot() override;

    // Where API keys go; before start(). Default: the system keychain (KeychainSecretStore);
    // tests pass a MemorySecretStore so they never touch the user's keychain.
    void setSecretStore(std::unique_ptr<SecretStore> secrets);

    // Opens the profile. False: `error` says why and `failure` what kind (a corrupt database can
    // be moved aside with moveDatabaseAside(), then start() again).
    bool start(QString& error, ponder::OpenFailure& failure);
    QString moveDatabaseAside(QString& error);
    // Loads the last used model that still looks usable, else the bundled demo model.
    void loadStartupModel();

    // Required properties of Main.qml.
    QVariantMap qmlProperties() const;
    // Readies an engine for the app's QML: the QML files in ui/'s subfolders import their own
    // module (Ponder) by name, and Qt 6.4 does not search qt_add_qml_module's resource root for
    // it by itself (6.5 does).
    static void prepareQmlEngine(QQmlEngine& engine);

    const AppPaths& paths() const { return m_paths; }
    ChatController* chat() const { return m_chat.get(); }
    ConversationListModel* conversations() const { return m_conversations.get(); }
    AppSettings* settings() const { return m_settings.get(); }
    EngineWorker* worker() const { return m_worker; }
    RemoteWorker* remoteWorker() const { return m_remoteWorker; }
    ModelLibrary* library() const { return m_library.get(); }
    ModelLoader* loader() const { return m_loader.get(); }
    ProviderStore* providers() const { return m_providers.get(); }
    ModelPicker* picker() const { return m_picker.get(); }

private:
    AppPaths m_paths;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ponder::Database> m_db;
    std::unique_ptr<ponder::ConversationStore> m_store;
    std::unique_ptr<ConversationListModel> m_conversations;
    QThread m_engineThread;
    EngineWorker* m_worker = nullptr;  // lives in m_engineThread, deleted when it finishes
    QThread m_remoteThread;
    RemoteWorker* m_remoteWorker = nullptr;  // lives in m_remoteThread, likewise
    std::unique_ptr<ChatController> m_chat;

    void applyModelSettings();

    std::unique_ptr<QSettings> m_modelsIni;  // the model list and per-model settings
    std::unique_ptr<ponder::ModelRegistry> m_registry;
    std::unique_ptr<DatabaseLibraryStore> m_libraryStore;
    std::unique_ptr<ModelSettingsStore> m_modelSettings;
    std::unique_ptr<ModelLibrary> m_library;
    std::unique_ptr<ModelLoader> m_loader;
    QNetworkAccessManager* m_network = nullptr;
    std::unique_ptr<DownloadManager> m_downloads;

    // Remote providers (app/providers): their settings in settings.ini, keys in m_secrets.
    std::unique_ptr<QSettings> m_providersIni;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ProviderStore> m_providers;
    std::unique_ptr<ModelPicker> m_picker;
};

} // namespace ponder::app
