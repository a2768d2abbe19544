# Settings: user preferences.
target_sources(ponder_app_core PRIVATE
  settings/app_settings.cpp settings/app_settings.h
)
