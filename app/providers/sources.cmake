# Providers: remote servers the chat can answer from (DeepSeek's platform, vLLM, SGLang, Ollama,
# LM Studio, any OpenAI-compatible endpoint), their API keys in the system keychain, the chat's
# model picker. The protocol and the HTTP client are ponder_remote (app/remote).
# GLOBAL: the tests (tests/app) link ponder_app_core and must see the imported target too.
find_package(Qt6Keychain QUIET GLOBAL)
if(NOT Qt6Keychain_FOUND)
  message(FATAL_ERROR "QtKeychain for Qt 6 was not found; API keys are kept in the system keychain through it "
                      "(Debian: apt-get install qtkeychain-qt6-dev, or run packaging/install-deps.sh)")
endif()
target_sources(ponder_app_core PRIVATE
  providers/keychain_secret_store.cpp providers/keychain_secret_store.h
  providers/model_picker.cpp providers/model_picker.h
  providers/provider_config.cpp providers/provider_config.h
  providers/provider_editor.cpp providers/provider_editor.h
  providers/provider_list_model.cpp providers/provider_list_model.h
  providers/provider_model_list.cpp providers/provider_model_list.h
  providers/provider_store.cpp providers/provider_store.h
  providers/secret_store.cpp providers/secret_store.h
)
# The generated QML type registrations include the QML_ELEMENT headers by file name.
target_include_directories(ponder_app_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/providers)
target_link_libraries(ponder_app_core PRIVATE Qt6Keychain::Qt6Keychain)
