# Models: the local model library, discovery, downloads, memory estimates.
target_sources(ponder_app_core PRIVATE
  models/catalogue.cpp models/catalogue.h
  models/database_library_store.cpp models/database_library_store.h
  models/discovery.cpp models/discovery.h
  models/device_placement.cpp models/device_placement.h
  models/download_list_model.cpp models/download_list_model.h
  models/download_manager.cpp models/download_manager.h
  models/download_transfer.cpp models/download_transfer.h
  models/file_hash.cpp models/file_hash.h
  models/library_store.cpp models/library_store.h
  models/memory_estimate.cpp models/memory_estimate.h
  models/model_info.cpp models/model_info.h
  models/model_library.cpp models/model_library.h
  models/model_list_model.cpp models/model_list_model.h
  models/model_loader.cpp models/model_loader.h
  models/model_planner.cpp models/model_planner.h
  models/model_settings.cpp models/model_settings.h
  models/model_settings_editor.cpp models/model_settings_editor.h
)
# The generated QML type registrations include the QML_ELEMENT headers by file name.
target_include_directories(ponder_app_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/models)
# The download catalogue, found at run time through AppPaths::resource("catalogue/r1-distill.json").
install(FILES ${PROJECT_SOURCE_DIR}/resources/catalogue/r1-distill.json DESTINATION share/ponder/catalogue)
