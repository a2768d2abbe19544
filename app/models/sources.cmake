# Models: the local model library, discovery, downloads, memory estimates.
target_sources(ponder_app_core PRIVATE
  models/discovery.cpp models/discovery.h
  models/memory_estimate.cpp models/memory_estimate.h
  models/model_info.cpp models/model_info.h
)
# The generated QML type registrations include the QML_ELEMENT headers by file name.
target_include_directories(ponder_app_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/models)
