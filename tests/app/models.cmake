# Models: the library and its list model, discovery, metadata and memory estimates, the loader,
# per-model settings, the catalogue and downloads (against a local HTTP server), the page's QML.
# The model files the tests write, built once: the fixtures and the engine's test tools they use
# (tiny deepseek2 models, R1's sparse header, split sets). The screenshots test uses them too.
add_library(ponder_models_fixtures STATIC model_test_fixtures.cpp model_test_fixtures.h
            ${PROJECT_SOURCE_DIR}/tests/tools/make_model.cpp)
target_include_directories(ponder_models_fixtures PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}
                           PRIVATE ${PROJECT_SOURCE_DIR}/tests/tools ${PROJECT_SOURCE_DIR}/engine/src)
target_link_libraries(ponder_models_fixtures PUBLIC ponder_engine Qt6::Core PRIVATE ponder_warnings)
target_compile_definitions(ponder_models_fixtures PRIVATE PONDER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# tests/ turns AUTOMOC off for its plain C++ targets; these test classes need moc.
function(ponder_models_test name)
  ponder_qt_test(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES AUTOMOC ON)
  target_link_libraries(${name} PRIVATE ponder_models_fixtures)
endfunction()

ponder_models_test(test_model_info test_model_info.cpp)
ponder_models_test(test_model_discovery test_model_discovery.cpp)
ponder_models_test(test_model_settings test_model_settings.cpp)
ponder_models_test(test_model_library test_model_library.cpp)
ponder_models_test(test_model_loader test_model_loader.cpp)
ponder_models_test(test_download test_download.cpp download_test_server.cpp download_test_server.h)
ponder_models_test(test_model_plan test_model_plan.cpp)
ponder_models_test(test_models_page test_models_page.cpp)
target_link_libraries(test_models_page PRIVATE ponder_ui ponder_uiplugin ponder_app_coreplugin Qt6::Quick)
# Every dialog, menu and file chooser opened in the real window, and the file choosers' fallback
# when a QML module they need is missing.
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
ponder_models_test(test_dialogs test_dialogs.cpp)
target_link_libraries(test_dialogs PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2)
