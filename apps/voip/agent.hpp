#pragma once
// One run of the `voip` program: the SIP user agent with its dialog layer, the registration
// (when an AOR is given), the bounds (--duration, --calls, Ctrl-C/SIGTERM) and a clean shutdown
// that hangs up every call and unregisters before the program exits.

#include <voip/audio/audio_call.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/sip/call_config.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "options.hpp"
#include "output.hpp"

namespace voip::cli {

class Agent {
public:
    /// Builds the user agent (listening) and the dialog layer. Throws std::system_error when
    /// an address cannot be bound, std::invalid_argument for a bad setup.
    Agent(asio::io_context& io, Options options, const Console& console);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    /// Registers (with an AOR), learns the public media address (with --stun-server), then
    /// calls @p ready. On failure the run ends with exit code 1.
    void start(std::function<void()> ready);
    /// Hangs up every call, unregisters, then stops the io_context (bounded: 10 s at most).
    void shutdown(int exit_code);
    /// A call ended; ends the run once --calls calls (or the one dialled call) are over.
    void call_ended(bool success);
    /// A call is being set up or runs (inbound or outbound).
    void call_started() { ++calls_started_; }
    /// Work that shutdown waits for (within its bound) before stopping: true = still busy.
    void set_busy_check(std::function<bool()> busy) { busy_ = std::move(busy); }

    [[nodiscard]] sip::UserAgent& ua() noexcept { return *ua_; }
    [[nodiscard]] const Options& options() const noexcept { return options_; }
    [[nodiscard]] const Console& console() const noexcept { return console_; }
    [[nodiscard]] asio::io_context& io() noexcept { return io_; }
    [[nodiscard]] int exit_code() const noexcept { return exit_code_; }
    [[nodiscard]] bool shutting_down() const noexcept { return shutting_down_; }
    /// Audio settings of every call: codecs of --codecs, 16 kHz audio.
    [[nodiscard]] audio::AudioConfig audio_config() const;
    /// Codec names in --codecs order (empty: the AudioCall default order).
    [[nodiscard]] const std::vector<std::string>& codecs() const noexcept {
        return options_.codecs;
    }
    /// The dial target with --transport applied (`;transport=tcp` when it names none).
    [[nodiscard]] sip::Uri dial_target() const;

private:
    void register_account(std::function<void()> ready);
    void discover_media_address(std::function<void()> ready);
    void finish_shutdown();
    void stop_when_idle();

    asio::io_context& io_;
    Options options_;
    const Console& console_;
    sip::CallConfig calls_;
    std::unique_ptr<rtp::Multiplexer> mux_;
    std::unique_ptr<sip::UserAgent> ua_;
    asio::signal_set signals_;
    asio::steady_timer duration_timer_;
    asio::steady_timer shutdown_timer_;
    asio::steady_timer idle_timer_;
    std::function<bool()> busy_;
    bool registered_ = false;
    bool shutting_down_ = false;
    int exit_code_ = 0;
    unsigned calls_started_ = 0;
    unsigned calls_ended_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace voip::cli
