#include "args.h"

#include <fstream>
#include <sstream>

namespace ponder::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
           const std::set<std::string>& options) {
    bool only_positionals = false;
    for (size_t i = 0; i < argv.size(); i++) {
        const std::string& a = argv[i];
        if (only_positionals || a.size() < 2 || a.compare(0, 2, "--") != 0) {
            positionals_.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positionals = true;
            continue;
        }
        std::string name = a.substr(2), value;
        size_t eq = name.find('=');
        bool has_value = eq != std::string::npos;
        if (has_value) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (flags.count(name)) {
            if (has_value) throw UsageError("--" + name + " takes no value");
            flags_.insert(name);
        } else if (options.count(name)) {
            if (!has_value) {
                if (i + 1 >= argv.size()) throw UsageError("--" + name + " needs a value");
                value = argv[++i];
            }
            values_[name] = value;
        } else {
            throw UsageError("unknown option --" + name);
        }
    }
}

std::string Args::get(const std::string& name, const std::string& def) const {
    auto it = values_.find(name);
    return it == values_.end() ? def : it->second;
}

std::string Args::require(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw UsageError("--" + name + " is required");
    return it->second;
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CommandError(path + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace ponder::cli
