#include "ponder/engine.h"
#include "ponder/version.h"

namespace ponder {
const char* engine_version() { return PONDER_VERSION; }
} // namespace ponder
