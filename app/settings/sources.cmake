# Settings: user preferences, and the theme (colours and type) they choose.
target_sources(ponder_app_core PRIVATE
  settings/app_settings.cpp settings/app_settings.h
  settings/theme.cpp settings/theme.h
)
