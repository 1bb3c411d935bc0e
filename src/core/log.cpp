#include <voip/log.hpp>

#include <atomic>
#include <cstdio>
#include <utility>

namespace voip::log {
namespace {

std::atomic<Level> current_level{Level::warning};

void stderr_sink(Level level, std::string_view component, std::string_view message) {
    fmt::print(stderr, "[{}] {}: {}\n", to_string(level), component, message);
}

Sink& sink_slot() {
    static Sink sink = stderr_sink;
    return sink;
}

}  // namespace

void set_sink(Sink sink) {
    sink_slot() = sink ? std::move(sink) : Sink{stderr_sink};
}

void set_level(Level level) noexcept {
    current_level.store(level, std::memory_order_relaxed);
}

Level level() noexcept {
    return current_level.load(std::memory_order_relaxed);
}

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::trace:
            return "trace";
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warning:
            return "warning";
        case Level::error:
            return "error";
        case Level::off:
            return "off";
    }
    return "?";
}

void write(Level level, std::string_view component, std::string_view message) {
    if (!enabled(level)) return;
    sink_slot()(level, component, message);
}

}  // namespace voip::log
