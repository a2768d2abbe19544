#include "core/app_root.h"

#include "chat/chat_controller.h"
#include "chat/conversation_list_model.h"
#include "chat/engine_worker.h"
#include "chat/remote_worker.h"
#include "models/catalogue.h"
#include "models/download_manager.h"
#include "models/database_library_store.h"
#include "models/library_store.h"
#include "models/memory_estimate.h"
#include "models/model_library.h"
#include "models/model_loader.h"
#include "models/model_settings.h"
#include "providers/keychain_secret_store.h"
#include "providers/model_picker.h"
#include "providers/provider_store.h"
#include "settings/app_settings.h"

#include <QNetworkAccessManager>
#include <QQmlEngine>

#include "ponder/conversation_store.h"
#include "ponder/model_registry.h"

namespace ponder::app {

AppRoot::AppRoot(const QString& dataDirOverride, QObject* parent) : QObject(parent), m_paths(dataDirOverride) {}

void AppRoot::setSecretStore(std::unique_ptr<SecretStore> secrets) { m_secrets = std::move(secrets); }

AppRoot::~AppRoot() {
    if (m_worker) m_worker->requestStop(UINT64_MAX);  // a generation in flight ends within a token
    if (m_remoteWorker) m_remoteWorker->requestStop(UINT64_MAX);
    m_picker.reset();
    m_providers.reset();
    m_downloads.reset();
    m_loader.reset();  // cancels and waits for a load in progress
    if (m_chat) m_chat->commitPendingDeletion();  // quitting ends the undo window
    m_chat.reset();
    m_engineThread.quit();
    m_remoteThread.quit();
    m_engineThread.wait();
    m_remoteThread.wait();
}

bool AppRoot::start(QString& error, ponder::OpenFailure& failure) {
    failure = OpenFailure::None;
    if (!m_paths.ensureCreated(&error)) {
        failure = OpenFailure::CannotOpen;
        return false;
    }
    std::string why;
    m_db = Database::open(m_paths.databasePath().toStdString(), why, &failure);
    if (!m_db) {
        error = QString::fromStdString(why);
        return false;
    }
    m_settings = std::make_unique<AppSettings>(m_paths.dataDir() + QStringLiteral("/settings.ini"), m_paths.dataDir());
    m_store = std::make_unique<ConversationStore>(*m_db);
    m_conversations = std::make_unique<ConversationListModel>(*m_store);

    m_worker = new EngineWorker(m_paths.databasePath());
    m_worker->moveToThread(&m_engineThread);
    connect(&m_engineThread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_engineThread.setObjectName(QStringLiteral("engine"));
    m_engineThread.start();

    // Remote providers answer on their own thread, with their own database connection.
    m_remoteWorker = new RemoteWorker(m_paths.databasePath());
    m_remoteWorker->moveToThread(&m_remoteThread);
    connect(&m_remoteThread, &QThread::finished, m_remoteWorker, &QObject::deleteLater);
    m_remoteThread.setObjectName(QStringLiteral("remote"));
    m_remoteThread.start();

    m_chat = std::make_unique<ChatController>(*m_db, *m_store, *m_conversations, *m_worker);
    m_chat->setRemoteWorker(m_remoteWorker);
    m_chat->setThinkingPanelMode(m_settings->thinkingPanel());
    m_chat->setDarkTheme(m_settings->darkTheme());
    connect(m_settings.get(), &AppSettings::changed, m_chat.get(), [this] {
        m_chat->setThinkingPanelMode(m_settings->thinkingPanel());
        m_chat->setDarkTheme(m_settings->darkTheme());
    });

    // Models: the library (bundled demo first), per-model settings, the loader, downloads.
    m_modelsIni = std::make_unique<QSettings>(m_paths.dataDir() + QStringLiteral("/models.ini"), QSettings::IniFormat);
    m_registry = std::make_unique<ModelRegistry>(*m_db);
    m_libraryStore = std::make_unique<DatabaseLibraryStore>(m_registry.get());
    m_modelSettings = std::make_unique<ModelSettingsStore>(m_modelsIni.get(), physicalCoreCount());
    m_library = std::make_unique<ModelLibrary>(m_libraryStore.get(), m_modelSettings.get());
    m_library->addBundled(AppPaths::demoModelPath());
    m_library->restore();
    m_library->scanDownloads(m_paths.modelsDir());
    m_library->discoverOtherTools(false);  // Ollama, LM Studio, the Hugging Face cache: found, not copied
    m_loader = std::make_unique<ModelLoader>(m_library.get());
    QList<CatalogueEntry> catalogue;
    QString catalogueError;
    if (!loadCatalogue(AppPaths::resource(QStringLiteral("catalogue/r1-distill.json")), catalogue, catalogueError))
        qWarning("ponder: model catalogue: %s", qPrintable(catalogueError));
    m_network = new QNetworkAccessManager(this);
    m_downloads = std::make_unique<DownloadManager>(m_network, m_library.get(), m_paths.modelsDir(), catalogue);
    m_downloads->setCatalogueError(catalogueError);

    // The loaded model goes to the engine thread; its name, state and settings to the chat.
    connect(m_loader.get(), &ModelLoader::modelReady, m_worker, &EngineWorker::setModel, Qt::QueuedConnection);
    connect(m_loader.get(), &ModelLoader::modelUnloaded, m_worker, [this] {
        QMetaObject::invokeMethod(m_worker, "setModel", Qt::QueuedConnection,
                                  Q_ARG(std::shared_ptr<ponder::Model>, nullptr), Q_ARG(int, 0));
    });
    // Remote providers and the chat's choice of where answers come from (restored below).
    m_providersIni = std::make_unique<QSettings>(m_paths.dataDir() + QStringLiteral("/settings.ini"), QSettings::IniFormat);
    if (!m_secrets) m_secrets = std::make_unique<KeychainSecretStore>();
    m_providers = std::make_unique<ProviderStore>(m_providersIni.get(), m_secrets.get(), m_network);
    m_picker = std::make_unique<ModelPicker>(m_providers.get(), m_providersIni.get());
    connect(m_picker.get(), &ModelPicker::remoteTargetChosen, m_chat.get(), &ChatController::setRemoteTarget);
    connect(m_picker.get(), &ModelPicker::localModelChosen, m_chat.get(), &ChatController::useLocalModel);
    // The local model's card says "Active" only while the chat really answers with it.
    connect(m_picker.get(), &ModelPicker::remoteTargetChosen, this, [this] { m_library->models()->setLocalModelInUse(false); });
    connect(m_picker.get(), &ModelPicker::localModelChosen, this, [this] { m_library->models()->setLocalModelInUse(true); });
    // Reopening a conversation says so when its last answer came from elsewhere.
    connect(m_chat.get(), &ChatController::conversationOpened, m_picker.get(), [this] {
        if (m_chat->conversationId()) m_picker->noteConversationSource(m_chat->conversationProvider(), m_chat->conversationModel());
    });

    auto status = [this] {
        m_picker->setLocalModelName(m_loader->activeName());
        m_chat->setModelName(m_loader->activeName());
        m_chat->setModelStatus(m_loader->statusText());
        applyModelSettings();
    };
    connect(m_loader.get(), &ModelLoader::stateChanged, this, status);
    connect(m_loader.get(), &ModelLoader::activeModelChanged, this, status);
    connect(m_loader.get(), &ModelLoader::statusTextChanged, this, status);
    connect(m_modelSettings.get(), &ModelSettingsStore::settingsChanged, this, [this](const QString& path) {
        if (path == m_loader->activePath()) applyModelSettings();
    });
    status();
    m_picker->restore();
    return true;
}

void AppRoot::applyModelSettings() {
    if (m_loader->activePath().isEmpty()) return;
    const ModelSettings ms = m_modelSettings->settings(m_loader->activePath());
    GenerationSettings gs;
    gs.sampler = ms.samplerParams();
    gs.systemPrompt = ms.systemPrompt;
    gs.systemPromptInUserTurn = true;  // R1 was trained without system prompts
    gs.thinking = ms.thinkingOptions();
    m_chat->setGenerationSettings(gs);
}

void AppRoot::loadStartupModel() {
    const QString path = m_library->preferredModelPath();
    if (!path.isEmpty()) m_loader->load(path);
}

QString AppRoot::moveDatabaseAside(QString& error) {
    std::string why;
    std::string moved = move_database_aside(m_paths.databasePath().toStdString(), why);
    if (moved.empty()) error = QString::fromStdString(why);
    return QString::fromStdString(moved);
}

void AppRoot::prepareQmlEngine(QQmlEngine& engine) { engine.addImportPath(QStringLiteral("qrc:/qt/qml")); }

QVariantMap AppRoot::qmlProperties() const {
    return {{QStringLiteral("chat"), QVariant::fromValue(m_chat.get())},
            {QStringLiteral("conversations"), QVariant::fromValue(m_conversations.get())},
            {QStringLiteral("settings"), QVariant::fromValue(m_settings.get())},
            {QStringLiteral("library"), QVariant::fromValue(m_library.get())},
            {QStringLiteral("loader"), QVariant::fromValue(m_loader.get())},
            {QStringLiteral("downloads"), QVariant::fromValue(m_downloads.get())},
            {QStringLiteral("providers"), QVariant::fromValue(m_providers.get())},
            {QStringLiteral("picker"), QVariant::fromValue(m_picker.get())}};
}

} // namespace ponder::app
