#include "output.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <mutex>

namespace voip::cli {

namespace {

// One lock for every line: the library may log from a worker thread (speech recognition).
std::mutex& output_mutex() {
    static std::mutex m;
    return m;
}

// ANSI SGR codes.
constexpr std::string_view bold = "1";
constexpr std::string_view dim = "2";
constexpr std::string_view red = "31";
constexpr std::string_view green = "32";
constexpr std::string_view yellow = "33";
constexpr std::string_view blue = "34";
constexpr std::string_view magenta = "35";
constexpr std::string_view cyan = "36";

// Whether a status line is on screen (to be cleared before the next normal line).
bool status_shown = false;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

}  // namespace

std::string Console::paint(std::string_view code, std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

void Console::write(std::FILE* stream, std::string_view text) const {
    const std::lock_guard lock(output_mutex());
    if (status_shown) {
        std::fputs("\r\x1b[2K", stdout);
        status_shown = false;
    }
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fputc('\n', stream);
    std::fflush(stream);
}

void Console::progress(std::string_view text) const {
    write(stdout, fmt::format("{} {}", paint(cyan, "..."), text));
}

void Console::ok(std::string_view text) const {
    write(stdout, fmt::format("{} {}", paint(green, "ok "), text));
}

void Console::warn(std::string_view text) const {
    write(stderr, fmt::format("{} {}", paint(yellow, "voip: warning:"), text));
}

void Console::error(std::string_view text) const {
    write(stderr, fmt::format("{} {}", paint(red, "voip: error:"), text));
}

void Console::line(std::string_view text) const {
    write(stdout, text);
}

void Console::status(std::string_view text) const {
    if (!color_) return;  // a terminal: colour is on exactly when stdout is one (or forced)
    const std::lock_guard lock(output_mutex());
    std::fputs("\r\x1b[2K", stdout);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    status_shown = true;
}

void Console::sip_message(bool outgoing, std::string_view peer, std::string_view text) const {
    // Trim the trailing blank line of a bodiless message; keep the body otherwise.
    while (text.ends_with("\r\n\r\n"))
        text.remove_suffix(2);
    const auto first_end = text.find("\r\n");
    const auto first = text.substr(0, first_end);
    std::string rest;
    if (first_end != std::string_view::npos) {
        for (auto tail = text.substr(first_end + 2); !tail.empty();) {
            const auto end = tail.find("\r\n");
            const auto header = tail.substr(0, end);
            const auto colon = header.find(':');
            if (colon != std::string_view::npos && !header.starts_with(' ')) {
                rest += fmt::format("  {}{}\n", paint(blue, header.substr(0, colon)),
                                    header.substr(colon));
            } else {
                rest += fmt::format("  {}\n", header);
            }
            tail = end == std::string_view::npos ? std::string_view{} : tail.substr(end + 2);
        }
    }
    const auto arrow = outgoing ? paint(magenta, fmt::format(">>> to {}", peer))
                                : paint(green, fmt::format("<<< from {}", peer));
    if (!rest.empty()) rest.pop_back();
    write(stdout, fmt::format("{}\n  {}\n{}", arrow, paint(bold, first), paint(dim, "") + rest));
}

void Console::install_log_sink() const {
    // The sink must outlive every UserAgent; the console lives in main() for the whole run.
    const Console* self = this;
    log::set_level(verbosity_ >= 1 ? log::Level::trace : log::Level::warning);
    log::set_sink([self](log::Level level, std::string_view component, std::string_view message) {
        if (component == "sip.wire") {
            // "send udp:1.2.3.4:5060\n<message>" / "recv ...": see the transport layer.
            if (self->verbosity_ < 1) return;
            const auto newline = message.find('\n');
            const auto head = message.substr(0, newline);
            const auto body = newline == std::string_view::npos ? std::string_view{}
                                                                : message.substr(newline + 1);
            const bool outgoing = head.starts_with("send");
            const auto space = head.find(' ');
            const auto peer = space == std::string_view::npos ? head : head.substr(space + 1);
            self->sip_message(outgoing, peer, body);
            return;
        }
        const int needed = level >= log::Level::warning ? 0 : level == log::Level::info ? 2 : 3;
        if (self->verbosity_ < needed) return;
        self->write(stderr, fmt::format("{} [{}] {}", self->paint(dim, log::to_string(level)),
                                        component, message));
    });
}

std::string format_call_time(std::chrono::steady_clock::duration elapsed) {
    const auto total = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    const auto hours = total / 3600;
    const auto minutes = (total / 60) % 60;
    const auto seconds = total % 60;
    if (hours > 0) return fmt::format("{}:{:02}:{:02}", hours, minutes, seconds);
    return fmt::format("{:02}:{:02}", minutes, seconds);
}

std::string format_stats(const rtp::SessionStats& rtp, const audio::AudioStats* audio) {
    std::string out = "RTP";
    if (audio && !audio->codec.empty()) {
        out += fmt::format(" {}/{}", audio->codec, audio->clock_rate);
    }
    const double loss_percent =
        rtp.packets_expected > 0
            ? 100.0 * static_cast<double>(std::max<std::int64_t>(rtp.packets_lost, 0)) /
                  static_cast<double>(rtp.packets_expected)
            : 0.0;
    // The audio layer measures jitter at the negotiated clock rate; the RTP session's own
    // figure assumes its configured one.
    const auto jitter = audio && audio->clock_rate != 0 ? audio->jitter : rtp.jitter_time;
    out += fmt::format(
        ": sent {} packets, received {} packets, lost {} ({:.1f}%), jitter {:.1f} ms",
        rtp.packets_sent, rtp.packets_received, std::max<std::int64_t>(rtp.packets_lost, 0),
        loss_percent, static_cast<double>(jitter.count()) / 1000.0);
    if (rtp.round_trip_time) {
        out += fmt::format(", RTT {:.1f} ms",
                           static_cast<double>(rtp.round_trip_time->count()) / 1000.0);
    }
    if (rtp.unprotect_failures > 0) {
        out += fmt::format(", {} SRTP failures", rtp.unprotect_failures);
    }
    return out;
}

}  // namespace voip::cli
