# The whole app's pages and dialogs photographed and checked (contrast, clipping, accessible
# names), at two sizes in both themes, on Xvfb: offscreen, Qt Quick drops the Material style's
# layer effects (dialogs come out transparent), so colours could not be judged. xvfb-run comes
# from packaging/install-deps.sh; without it the test fails and says so.
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
qt_add_executable(test_screenshots test_screenshots.cpp ui_checks.cpp ui_checks.h)
set_target_properties(test_screenshots PROPERTIES AUTOMOC ON)
target_link_libraries(test_screenshots PRIVATE ponder_app_core ponder_uiplugin ponder_app_coreplugin Qt6::Test
                      Qt6::QuickControls2 ponder_models_fixtures ponder_warnings)
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN)
  add_test(NAME test_screenshots
           COMMAND ${XVFB_RUN} -a -s "-screen 0 1400x900x24" $<TARGET_FILE:test_screenshots>)
else()
  add_test(NAME test_screenshots COMMAND sh -c "echo 'xvfb-run is missing: run packaging/install-deps.sh'; exit 1")
endif()
set_tests_properties(test_screenshots PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=xcb" LABELS app TIMEOUT 300)
