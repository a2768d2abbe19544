# Chat: conversations, messages, the engine worker thread.
target_sources(ponder_app_core PRIVATE
  chat/chat_controller.cpp chat/chat_controller_source.cpp chat/chat_controller_thinking.cpp chat/chat_controller.h
  chat/conversation_list_model.cpp chat/conversation_list_model.h
  chat/engine_worker.cpp chat/engine_worker.h
  chat/worker_database.cpp chat/worker_database.h
  chat/math_text.cpp chat/math_text.h
  chat/remote_worker.cpp chat/remote_worker.h
  chat/message_list_model.cpp chat/message_list_model.h
)
# How answers look: Markdown to themed rich text, code colours.
target_sources(ponder_app_core PRIVATE
  chat/answer_html.cpp chat/answer_html.h
  chat/pending_deletion.cpp chat/pending_deletion.h
  chat/code_highlighter.cpp chat/code_highlighter.h
  chat/key_routing.cpp chat/key_routing.h
  chat/think_budget.cpp chat/think_budget.h
  chat/thinking_curve.cpp chat/thinking_curve.h
)
