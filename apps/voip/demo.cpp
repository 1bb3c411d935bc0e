#include "demo.hpp"

#include <voip/sip/dialog.hpp>
#include <voip/sip/user_agent.hpp>
#include <voip/speech/flite_tts.hpp>
#include <voip/speech/pocketsphinx_stt.hpp>
#include <voip/speech/say_call.hpp>
#include <voip/speech/transcribe_call.hpp>
#include <voip/speech/word_overlap.hpp>

#include <asio/io_context.hpp>
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "output.hpp"

namespace voip::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double milliseconds(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

class Speaker;
class Listener;

// Everything the two sides report, owned by run_demo (it outlives the calls and dialogs).
struct DemoState {
    const Console* console = nullptr;
    std::shared_ptr<speech::TextToSpeech> tts;
    std::shared_ptr<speech::SpeechToText> stt;
    std::string sentence;
    audio::AudioConfig media;

    // A, the caller.
    Clock::time_point invite_sent{};
    std::optional<Clock::duration> setup_time;
    std::optional<std::error_code> dial_result;
    std::shared_ptr<Speaker> speaker;
    std::optional<std::error_code> said;
    bool caller_ended = false;

    // B, the callee.
    std::shared_ptr<Listener> listener;
    std::vector<std::string> heard;
    bool callee_ended = false;
};

// A's media: the sentence, then BYE.
class Speaker final : public speech::SayCall {
public:
    Speaker(rtp::Multiplexer& mux, DemoState* state)
        : SayCall(mux, state->sentence, state->tts, state->media), state_(state) {}

protected:
    void on_said(std::error_code ec) override {
        state_->said = ec;
        if (ec) {
            state_->console->error(fmt::format("A: hang-up failed: {}", ec.message()));
        } else {
            state_->console->ok("A: sentence spoken, hung up (BYE answered)");
        }
    }

private:
    DemoState* state_;
};

// B's media: every utterance transcribed.
class Listener final : public speech::TranscribeCall {
public:
    Listener(rtp::Multiplexer& mux, DemoState* state)
        : TranscribeCall(mux, state->stt, state->media), state_(state) {}

protected:
    void on_transcription(std::string text) override {
        state_->console->ok(fmt::format("B heard: \"{}\"", text));
        state_->heard.push_back(std::move(text));
    }

private:
    DemoState* state_;
};

class Callee final : public sip::Dialog {
public:
    Callee(sip::DialogContext context, DemoState* state) : Dialog(context), state_(state) {}

    void on_invite(const sip::Request& /*invite*/) override {
        state_->console->progress(
            fmt::format("B: incoming call from {}, answering", remote_uri().to_string()));
        (void)ringing();
        state_->listener = accept<Listener>(state_);
        if (!state_->listener) state_->console->error("B: could not answer the call");
    }
    void on_bye() override { state_->console->progress("B: caller hung up"); }
    void on_terminated(sip::EndReason /*reason*/, std::error_code /*detail*/) override {
        state_->callee_ended = true;
    }

private:
    DemoState* state_;
};

class Caller final : public sip::Dialog {
public:
    Caller(sip::DialogContext context, DemoState* state) : Dialog(context), state_(state) {}
    void on_terminated(sip::EndReason /*reason*/, std::error_code /*detail*/) override {
        state_->caller_ended = true;
    }

private:
    DemoState* state_;
};

sip::UserAgentConfig agent_config(const char* name) {
    sip::UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:0"};
    config.user_agent = name;
    return config;
}

sip::CallConfig call_config() {
    sip::CallConfig config;
    config.media_address = "127.0.0.1";
    config.srtp = sdp::CryptoPolicy::required;
    config.media.address = asio::ip::make_address("127.0.0.1");
    return config;
}

void print_stats(const Console& console, const char* side, const audio::AudioCall* call) {
    if (call == nullptr) {
        console.line(fmt::format("{}: no media", side));
        return;
    }
    const auto audio = call->audio_stats();
    auto rtp = call->stats();
    // The session's own jitter figure assumes SessionConfig::clock_rate; the jitter buffer
    // measures at the negotiated clock (48 kHz for Opus), so its figure is the one to show.
    rtp.jitter_time = audio.jitter;
    console.line(fmt::format("{}: {}{}", side, format_stats(rtp, &audio),
                             call->srtp_suite().empty() ? "" : ", SRTP " + call->srtp_suite()));
}

int run(const DemoOptions& options, const Console& console) {
    DemoState state;
    state.console = &console;
    state.sentence = options.sentence;
    // RTCP every ~second, so both sides have reports (and A a round-trip time) in a short call.
    state.media.session.rtcp_interval = std::chrono::seconds{1};

    const auto loading = Clock::now();
    console.progress("loading Flite (slt voice) and PocketSphinx (en-us model) ...");
    auto tts = speech::FliteTts::create();
    auto stt = speech::PocketSphinxStt::create();
    if (!tts || !stt) {
        console.error(fmt::format(
            "the demo needs both speech engines: {}",
            !tts ? "Flite: " + tts.error().message() : "PocketSphinx: " + stt.error().message()));
        return 1;
    }
    state.tts = std::move(*tts);
    state.stt = std::move(*stt);
    console.ok(fmt::format("speech engines ready ({:.1f} s)", seconds_since(loading)));

    asio::io_context io;
    std::optional<sip::UserAgent> alice;
    std::optional<sip::UserAgent> bob;
    alice.emplace(io.get_executor(), agent_config("libvoip-demo-a"));
    bob.emplace(io.get_executor(), agent_config("libvoip-demo-b"));
    sip::enable_calls(*alice, io, call_config());
    sip::enable_calls(*bob, io, call_config());
    bob->on_incoming<Callee>(&state);
    const auto b_address = bob->local_address(sip::TransportKind::udp);
    const auto target = sip::Uri::parse(
        fmt::format("sip:bob@{}:{}", b_address.address.to_string(), b_address.port));
    if (!target) {
        console.error(
            fmt::format("bad target for {}: {}", b_address.to_string(), target.error().message()));
        return 1;
    }
    console.progress(fmt::format("A ({}) calls B ({}) with SRTP required, Opus preferred",
                                 alice->local_address(sip::TransportKind::udp).to_string(),
                                 target->to_string()));

    const auto started = Clock::now();
    auto caller = alice->make_dialog<Caller>(&state);
    state.invite_sent = Clock::now();
    caller->async_dial<Speaker>(
        *target,
        [&state](std::error_code ec, std::shared_ptr<Speaker> call) {
            state.dial_result = ec;
            if (ec) {
                state.console->error(fmt::format("A: call failed: {}", ec.message()));
                return;
            }
            state.setup_time = Clock::now() - state.invite_sent;
            state.speaker = std::move(call);
            const auto* format = state.speaker->codec_format();
            state.console->ok(fmt::format(
                "A: answered in {:.1f} ms ({}, SRTP {}), saying \"{}\"",
                milliseconds(*state.setup_time), format ? format->encoding_name : "?",
                state.speaker->srtp_suite().empty() ? "off" : state.speaker->srtp_suite(),
                state.sentence));
        },
        &state);

    // Until A has hung up, both dialogs are over and B's transcriptions are in (bounded).
    const auto deadline = Clock::now() + options.timeout;
    auto done = [&] {
        if (state.dial_result && *state.dial_result) return true;  // the call failed
        const bool pending = state.listener && state.listener->transcriptions_pending() > 0;
        return state.said && state.caller_ended && state.callee_ended && !pending;
    };
    while (!done() && Clock::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds{20});
    }
    const bool timed_out = !done();
    if (timed_out) console.error(fmt::format("timed out after {} s", options.timeout.count()));

    std::string heard;
    for (const auto& text : state.heard)
        heard += (heard.empty() ? "" : " ") + text;
    const double overlap = speech::word_overlap(state.sentence, heard);
    print_stats(console, "A (SayCall)       ", state.speaker.get());
    print_stats(console, "B (TranscribeCall)", state.listener.get());
    if (state.setup_time) {
        console.line(fmt::format("call setup (INVITE -> 200 OK): {:.1f} ms",
                                 milliseconds(*state.setup_time)));
    }
    console.line(fmt::format("said:  \"{}\"", state.sentence));
    console.line(fmt::format("heard: \"{}\"", heard));
    console.line(fmt::format("word overlap {:.0f}% (threshold {:.0f}%), call {:.1f} s",
                             overlap * 100, options.threshold * 100, seconds_since(started)));

    // The calls go first (their timers and ports belong to the io_context and the agents'
    // multiplexers), then the agents (anything still up after a timeout is ended), then
    // whatever is left runs out: a transcription still in flight holds work until it is done.
    state.speaker.reset();
    state.listener.reset();
    alice.reset();
    bob.reset();
    io.restart();
    const auto drain = Clock::now() + std::chrono::seconds{10};
    while (!io.stopped() && Clock::now() < drain) {
        io.run_for(std::chrono::milliseconds{100});
    }

    const bool ok = !timed_out && state.dial_result && !*state.dial_result && state.said &&
                    !*state.said && overlap >= options.threshold;
    if (ok) {
        console.ok("PASS: B transcribed what A said over SIP, SRTP and Opus");
    } else {
        console.error("FAIL: the transcription does not match what was said");
    }
    return ok ? 0 : 1;
}

}  // namespace

int run_demo(const DemoOptions& options) {
    const Console console(options.verbosity, options.color);
    console.install_log_sink();
    try {
        const int rc = run(options, console);
        log::set_sink(nullptr);
        return rc;
    } catch (const std::exception& e) {  // setup failures (ports that cannot be bound)
        console.error(fmt::format("demo: {}", e.what()));
        log::set_sink(nullptr);
        return 1;
    }
}

}  // namespace voip::cli
