// A small command-line parser for ponder-cli's subcommands: --flag, --key VALUE, positionals.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ponder::cli {

// Thrown for bad usage; main() turns it into a one-line message and exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Thrown for a failure the user can act on (bad file, ...): one line, exit status 1.
struct CommandError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `flags` take no value, `options` take one; anything else starting with "--" is an error.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& flags,
         const std::set<std::string>& options);

    bool has(const std::string& name) const { return flags_.count(name) || values_.count(name); }
    std::string get(const std::string& name, const std::string& def = "") const;
    std::string require(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }

private:
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positionals_;
};

// Reads a whole file; throws CommandError when it cannot.
std::string read_text_file(const std::string& path);

} // namespace ponder::cli
