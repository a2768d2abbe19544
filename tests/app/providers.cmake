# Remote providers: the store (INI + SecretStore), the editor against a tiny /v1/models server, the
# chat's model picker, the key never reaching the profile's files, and the providers UI in the
# real window with screenshots.
set(_providers_server provider_test_server.cpp provider_test_server.h)

ponder_qt_test(test_provider_store test_provider_store.cpp)
# Without a session bus, so the fallback to keys kept in memory is tested (and never skipped)
# and a developer's own keychain is never touched.
set_tests_properties(test_provider_store PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;DBUS_SESSION_BUS_ADDRESS=")
ponder_qt_test(test_provider_editor test_provider_editor.cpp ${_providers_server})
ponder_qt_test(test_model_picker test_model_picker.cpp)
ponder_qt_test(test_provider_profile test_provider_profile.cpp ${_providers_server})
ponder_qt_test(test_providers_page test_providers_page.cpp)
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
target_link_libraries(test_providers_page PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2 ponder_scripted_server)
# The real keychain path (QtKeychain over gnome-keyring on a private D-Bus session).
qt_add_executable(test_keychain_secret_store test_keychain_secret_store.cpp)
set_target_properties(test_keychain_secret_store PROPERTIES AUTOMOC ON)
target_link_libraries(test_keychain_secret_store PRIVATE ponder_app_core Qt6::Test ponder_warnings)
add_test(NAME test_keychain_secret_store COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/run_with_keychain.sh
         $<TARGET_FILE:test_keychain_secret_store>)
set_tests_properties(test_keychain_secret_store PROPERTIES LABELS app TIMEOUT 120 SKIP_RETURN_CODE 77)
