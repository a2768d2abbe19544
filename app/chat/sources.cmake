# Chat: conversations, messages, the engine worker thread.
target_sources(ponder_app_core PRIVATE
)
