# Remote providers: the store (INI + SecretStore), the editor against a tiny /v1/models server, the
# chat's model picker, the key never reaching the profile's files, and the providers UI in the
# real window with screenshots.
set(_providers_server provider_test_server.cpp provider_test_server.h)

ponder_qt_test(test_provider_store test_provider_store.cpp)
ponder_qt_test(test_provider_editor test_provider_editor.cpp ${_providers_server})
ponder_qt_test(test_model_picker test_model_picker.cpp)
ponder_qt_test(test_provider_profile test_provider_profile.cpp ${_providers_server})
ponder_qt_test(test_providers_page test_providers_page.cpp)
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
target_link_libraries(test_providers_page PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2 ponder_scripted_server)
