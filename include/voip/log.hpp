#pragma once
// The library's one logging interface. The host application installs a sink to redirect
// everything (to its own logger, to syslog, to nowhere); the default writes to stderr.
//
// Formatting happens only when the level is enabled, so a disabled debug line on a hot path
// costs one integer comparison.

#include <fmt/format.h>

#include <functional>
#include <string_view>

namespace voip::log {

enum class Level { trace = 0, debug = 1, info = 2, warning = 3, error = 4, off = 5 };

using Sink = std::function<void(Level, std::string_view component, std::string_view message)>;

// Replace the sink (nullptr restores the default stderr sink). Not thread-safe against
// concurrent logging: install it once at start-up.
void set_sink(Sink sink);
void set_level(Level level) noexcept;
[[nodiscard]] Level level() noexcept;
[[nodiscard]] inline bool enabled(Level l) noexcept {
    return l >= level();
}
[[nodiscard]] std::string_view to_string(Level level) noexcept;

void write(Level level, std::string_view component, std::string_view message);

template <class... Args>
void print(Level l, std::string_view component, fmt::format_string<Args...> format,
           Args&&... args) {
    if (!enabled(l)) return;
    write(l, component, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void trace(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    print(Level::trace, component, f, std::forward<Args>(args)...);
}
template <class... Args>
void debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    print(Level::debug, component, f, std::forward<Args>(args)...);
}
template <class... Args>
void info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    print(Level::info, component, f, std::forward<Args>(args)...);
}
template <class... Args>
void warning(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    print(Level::warning, component, f, std::forward<Args>(args)...);
}
template <class... Args>
void error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    print(Level::error, component, f, std::forward<Args>(args)...);
}

}  // namespace voip::log
