#pragma once
// CPU time and memory of a process (or of the calling thread) from /proc and getrusage, for the
// load benchmarks: CPU% = CPU seconds / wall seconds of a step.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

namespace voip::bench {

/// CPU seconds (user + system) of @p pid from /proc/<pid>/stat; -1 when it cannot be read.
inline double process_cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return -1;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // Fields 3.. : state(3) ... utime(14) stime(15).
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14) utime = std::stoull(field);
        if (index == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// A "Vm...:" line of /proc/<pid>/status in KiB (VmRSS, VmHWM); -1 when absent.
inline long process_status_kib(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    }
    return -1;
}

inline long rss_kib(pid_t pid = ::getpid()) {
    return process_status_kib(pid, "VmRSS");
}
inline long peak_rss_kib(pid_t pid = ::getpid()) {
    return process_status_kib(pid, "VmHWM");
}

/// CPU seconds of the calling thread (RUSAGE_THREAD, Linux).
inline double thread_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    const auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// CPU% of @p pid between construction and percent() (100 = one core busy).
class CpuMeter {
public:
    explicit CpuMeter(pid_t pid)
        : pid_(pid), cpu_(process_cpu_seconds(pid)), start_(std::chrono::steady_clock::now()) {}
    [[nodiscard]] double cpu_seconds() const { return process_cpu_seconds(pid_) - cpu_; }
    [[nodiscard]] double wall_seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    [[nodiscard]] double percent() const {
        const double wall = wall_seconds();
        return wall > 0 ? 100.0 * cpu_seconds() / wall : 0.0;
    }

private:
    pid_t pid_;
    double cpu_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace voip::bench
