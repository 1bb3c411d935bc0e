#pragma once
// CPU time and memory of a process (or of the calling thread) from /proc and clock_gettime, for the
// load benchmarks: CPU% = CPU seconds / wall seconds of a step.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
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

/// CPU seconds of the calling thread. CLOCK_THREAD_CPUTIME_ID, not getrusage(RUSAGE_THREAD):
/// the rusage split into user and system time is sampled per scheduler tick, so a tight loop
/// shorter than a few ticks (3,000 G.711 frames) read as zero.
inline double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// The machine a figure was taken on, for a benchmark's header: CPU model and family (from
/// /proc/cpuinfo), CPUs online and the load average. Ratios measured at hundreds of calls
/// depend on the memory system as much as on the code, so figures need their host beside them.
inline std::string host_description() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string model;
    std::string family;
    std::string line;
    const auto value = [](const std::string& text) {
        const auto colon = text.find(':');
        return colon == std::string::npos || colon + 2 > text.size() ? std::string{}
                                                                     : text.substr(colon + 2);
    };
    while ((model.empty() || family.empty()) && std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) model = value(line);
        if (line.rfind("cpu family", 0) == 0) family = value(line);
    }
    std::ifstream loadavg("/proc/loadavg");
    std::string load;
    loadavg >> load;
    std::string text = model.empty() ? "unknown CPU" : model;
    if (!family.empty()) text += ", family " + family;
    text += ", " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs";
    if (!load.empty()) text += ", load " + load;
    return text;
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
