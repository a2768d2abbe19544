// Ponder's inference engine: the public API. Plain C++20, no Qt.
//
// What exists so far: model files (GGUF), the tokenizer, the R1 chat template and model
// hyperparameters. Sessions and generation arrive with the CPU inference work.
#pragma once

#include "ponder/chat_template.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"
#include "ponder/tensor_types.h"
#include "ponder/tokenizer.h"

namespace ponder {

// Version of the engine, "MAJOR.MINOR.PATCH".
const char* engine_version();

} // namespace ponder
