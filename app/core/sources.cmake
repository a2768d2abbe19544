# Paths, resources and other pieces every area of the app uses.
target_sources(ponder_app_core PRIVATE
  core/app_paths.cpp core/app_paths.h
)
