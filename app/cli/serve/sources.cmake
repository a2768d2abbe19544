# ponder-cli serve (app/cli/serve/): plain C++ over POSIX sockets, no Qt. The HTTP parser and the
# request checker are also built alone by the fuzz targets (tests/fuzz) and the unit tests (tests/serve).
target_sources(ponder-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_serve.cpp ${CMAKE_CURRENT_LIST_DIR}/server.cpp ${CMAKE_CURRENT_LIST_DIR}/server_timers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/listen_socket.cpp ${CMAKE_CURRENT_LIST_DIR}/api.cpp ${CMAKE_CURRENT_LIST_DIR}/local_origin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/generation_worker.cpp ${CMAKE_CURRENT_LIST_DIR}/completion_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stop_matcher.cpp ${CMAKE_CURRENT_LIST_DIR}/http_response.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_request.cpp ${CMAKE_CURRENT_LIST_DIR}/chat_request.cpp)
find_package(Threads REQUIRED)
target_link_libraries(ponder-cli PRIVATE Threads::Threads)
