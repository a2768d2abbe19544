// Who is writing a streaming message: "pid start-time boot-id". The pid alone is not enough
// after a crash: pids are reused, and a reboot starts them again from 1.
#pragma once

#include <string>
#include <string_view>

namespace ponder::process_identity {

std::string current();  // this process
// True while the process named by `identity` runs (not a zombie). An identity that cannot be
// parsed, or from another boot, is not alive.
bool alive(std::string_view identity);

} // namespace ponder::process_identity
