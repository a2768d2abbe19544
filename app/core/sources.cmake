# Paths, resources and the object graph every front end of the app builds.
target_sources(ponder_app_core PRIVATE
  core/app_paths.cpp core/app_paths.h
  core/app_root.cpp core/app_root.h
  core/dialog_support.cpp core/dialog_support.h
  core/dialog_check.cpp core/dialog_check.h
)
