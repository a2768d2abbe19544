#include "process_identity.h"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/types.h>
#include <unistd.h>

namespace ponder::process_identity {

namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string boot_id() {
    static const std::string id = [] {
        std::string s = read_first_line("/proc/sys/kernel/random/boot_id");
        return s.empty() ? std::string("unknown-boot") : s;
    }();
    return id;
}

// Field 22 of /proc/PID/stat: the start time in clock ticks after boot; and field 3, the state
// ('Z' zombie, 'X' dead). The command name (field 2) may hold spaces and ')' so parsing starts
// after the last ')'.
bool stat_of(long pid, std::string& start_time, char& state) {
    std::string line = read_first_line("/proc/" + std::to_string(pid) + "/stat");
    size_t close = line.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream fields(line.substr(close + 1));
    std::string f;
    for (int field = 3; fields >> f; field++) {
        if (field == 3) state = f.empty() ? '?' : f[0];
        if (field == 22) {
            start_time = f;
            return true;
        }
    }
    return false;
}

} // namespace

std::string current() {
    long pid = static_cast<long>(getpid());
    std::string start;
    char state;
    if (!stat_of(pid, start, state)) start = "0";
    return std::to_string(pid) + " " + start + " " + boot_id();
}

bool alive(std::string_view identity) {
    std::istringstream in{std::string(identity)};
    long pid = 0;
    std::string start, boot;
    if (!(in >> pid >> start >> boot) || pid <= 0) return false;
    if (boot != boot_id()) return false;  // written before a reboot
    std::string now_start;
    char state = '?';
    if (stat_of(pid, now_start, state)) return now_start == start && state != 'Z' && state != 'X';
    // No /proc/PID/stat: gone, or a system without /proc, where the pid is all we can check.
    if (start != "0") return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace ponder::process_identity
