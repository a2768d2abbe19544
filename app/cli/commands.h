#pragma once

#include <string>
#include <vector>

namespace ponder::cli {

int cmd_devices(const std::vector<std::string>& args);
int cmd_info(const std::vector<std::string>& args);
int cmd_plan(const std::vector<std::string>& args);
int cmd_tokenize(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_chat(const std::vector<std::string>& args);
int cmd_eval(const std::vector<std::string>& args);
int cmd_history(const std::vector<std::string>& args);
int cmd_serve(const std::vector<std::string>& args);

} // namespace ponder::cli
