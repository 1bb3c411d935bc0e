#pragma once
// What the `voip` program prints: progress lines on stdout, errors on stderr (one line each),
// SIP messages with -v (coloured on a terminal), and the per-call RTP statistics line.

#include <voip/audio/audio_call.hpp>
#include <voip/log.hpp>
#include <voip/rtp/session_stats.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace voip::cli {

/// Stdout/stderr writer shared by the commands. Not thread-safe: the I/O thread prints; the
/// library's log sink may print from another thread, so writes go through one mutex.
class Console {
public:
    Console(int verbosity, bool color) : verbosity_(verbosity), color_(color) {}

    /// A step of a long operation: "registering sip:alice@example.com ...".
    void progress(std::string_view text) const;
    /// Something that succeeded.
    void ok(std::string_view text) const;
    /// Something worth the user's attention that is not fatal.
    void warn(std::string_view text) const;
    /// A failure, on stderr: "voip: <text>".
    void error(std::string_view text) const;
    /// A plain result line (transcriptions, statistics).
    void line(std::string_view text) const;
    /// A live status line ("in call 00:12 ...") rewritten in place on a terminal; ignored
    /// otherwise, so logs stay readable.
    void status(std::string_view text) const;
    /// A SIP message with -v: first line highlighted, arrow showing direction.
    void sip_message(bool outgoing, std::string_view peer, std::string_view text) const;

    /// Routes voip::log through this console: SIP wire messages (component "sip.wire") with
    /// -v, warnings always, info with -vv, debug/trace with -vvv.
    void install_log_sink() const;

    [[nodiscard]] int verbosity() const noexcept { return verbosity_; }
    [[nodiscard]] bool color() const noexcept { return color_; }

private:
    void write(std::FILE* stream, std::string_view text) const;
    [[nodiscard]] std::string paint(std::string_view code, std::string_view text) const;

    int verbosity_;
    bool color_;
};

/// "00:01:05" style call time (minutes:seconds, hours when needed).
[[nodiscard]] std::string format_call_time(std::chrono::steady_clock::duration elapsed);

/// One line of RTP statistics: codec, packets sent/received, loss, jitter, RTT when known.
[[nodiscard]] std::string format_stats(const rtp::SessionStats& rtp,
                                       const audio::AudioStats* audio);

}  // namespace voip::cli
