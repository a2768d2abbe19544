# The chat with remote providers, against the scripted server and a real `ponder-cli serve`.
ponder_qt_test(test_remote_app test_remote_app.cpp)
target_link_libraries(test_remote_app PRIVATE ponder_scripted_server)
target_compile_definitions(test_remote_app PRIVATE PONDER_CLI="$<TARGET_FILE:ponder-cli>")
add_dependencies(test_remote_app ponder-cli)
