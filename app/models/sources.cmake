# Models: the local model library, discovery, downloads, memory estimates.
target_sources(ponder_app_core PRIVATE
)
