# Eval reports shared by ponder-cli and the app: the test-time-scaling curve and its plot.
target_sources(ponder_app_core PRIVATE eval/scaling_plot.cpp eval/scaling_plot.h)
