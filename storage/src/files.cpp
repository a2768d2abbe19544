#include "files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ponder::files {

bool exists(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
}

bool create_parent_directories(const std::string& path, std::string& error) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return true;
    std::string dir = path.substr(0, slash);
    struct stat st;
    if (stat(dir.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return true;
        error = dir + ": not a directory";
        return false;
    }
    if (!create_parent_directories(dir, error)) return false;
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        error = dir + ": cannot create directory (" + std::strerror(errno) + ")";
        return false;
    }
    return true;
}

bool create_private_file(const std::string& path, std::string& error) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = path + ": cannot create file (" + std::strerror(errno) + ")";
        return false;
    }
    ::close(fd);
    return true;
}

bool rename_no_replace(const std::string& from, const std::string& to, std::string& error) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno != EINVAL && errno != ENOSYS) {
        error = from + ": cannot rename to " + to + " (" + std::strerror(errno) + ")";
        return false;
    }
    // A file system without RENAME_NOREPLACE: link() also refuses an existing target.
    if (::link(from.c_str(), to.c_str()) != 0) {
        error = from + ": cannot rename to " + to + " (" + std::strerror(errno) + ")";
        return false;
    }
    if (::unlink(from.c_str()) != 0) {
        error = from + ": copied to " + to + ", but the old name stays (" + std::strerror(errno) + ")";
        return false;
    }
    return true;
}

std::string utc_stamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

} // namespace ponder::files
