# Models: the library and its list model, discovery, metadata and memory estimates, the loader,
# per-model settings, the catalogue and downloads (against a local HTTP server), the page's QML.
set(_models_fixtures model_test_fixtures.cpp model_test_fixtures.h)

# tests/ turns AUTOMOC off for its plain C++ targets; these test classes need moc.
function(ponder_models_test name)
  ponder_qt_test(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES AUTOMOC ON)
endfunction()

ponder_models_test(test_model_info test_model_info.cpp ${_models_fixtures})
ponder_models_test(test_model_discovery test_model_discovery.cpp)
ponder_models_test(test_model_settings test_model_settings.cpp ${_models_fixtures})
ponder_models_test(test_model_library test_model_library.cpp ${_models_fixtures})
ponder_models_test(test_model_loader test_model_loader.cpp ${_models_fixtures})
ponder_models_test(test_download test_download.cpp download_test_server.cpp download_test_server.h ${_models_fixtures})
ponder_models_test(test_models_page test_models_page.cpp ${_models_fixtures})
target_link_libraries(test_models_page PRIVATE ponder_ui ponder_uiplugin ponder_app_coreplugin Qt6::Quick)
# Every dialog, menu and file chooser opened in the real window, and the file choosers' fallback
# when a QML module they need is missing.
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
ponder_models_test(test_dialogs test_dialogs.cpp ${_models_fixtures})
target_link_libraries(test_dialogs PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2)
