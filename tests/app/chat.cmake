# The chat side of the app: answer rendering, list models, the controller with the real engine.
ponder_qt_test(test_math_text test_math_text.cpp)
# Answers as rich text, code colours, the thinking panel's wording, composer keys, theme contrast.
ponder_qt_test(test_answer_rendering test_answer_rendering.cpp)
ponder_qt_test(test_chat_controller test_chat_controller.cpp)
# The whole app offscreen: Main.qml on AppRoot, chatting with the demo model; screenshots.
ponder_qt_test(test_app_e2e test_app_e2e.cpp)
find_package(Qt6 6.4 REQUIRED COMPONENTS QuickControls2)
target_link_libraries(test_app_e2e PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2)
# The app from the keyboard alone: new chat, send, stop, edit, regenerate, switch, rename, delete
# and undo, with no mouse event; the focus ring around each focused control.
ponder_qt_test(test_keyboard_e2e test_keyboard_e2e.cpp ui_checks.cpp ui_checks.h)
target_link_libraries(test_keyboard_e2e PRIVATE ponder_uiplugin ponder_app_coreplugin Qt6::QuickControls2)
