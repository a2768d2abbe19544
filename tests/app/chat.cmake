# The chat side of the app: answer rendering, list models, the controller with the real engine.
ponder_qt_test(test_math_text test_math_text.cpp)
