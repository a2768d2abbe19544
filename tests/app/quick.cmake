# Qt Quick Tests of the chat's QML components: one executable runs every tests/app/qml/tst_*.qml
# against the app's static QML modules (Ponder, Ponder.Core), offscreen, with real chat
# controllers built by tst_ponder_qml.cpp. Any warning fails the run.
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)

qt_add_executable(tst_ponder_qml tst_ponder_qml.cpp)
set_target_properties(tst_ponder_qml PROPERTIES AUTOMOC ON)  # tests/ turns it off for the plain C++ tests
target_link_libraries(tst_ponder_qml PRIVATE ponder_uiplugin ponder_app_coreplugin ponder_app_core
                      Qt6::QuickTest Qt6::QuickControls2 ponder_warnings)
target_compile_definitions(tst_ponder_qml PRIVATE PONDER_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                           QUICK_TEST_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/qml")
add_test(NAME tst_ponder_qml COMMAND tst_ponder_qml)
set_tests_properties(tst_ponder_qml PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS app TIMEOUT 300)
