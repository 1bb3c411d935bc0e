// Call a SIP URI, say a sentence (Flite), wait until it comes back (an echo server answers),
// hang up. Exit code 0 when the echo came back.
//   dial_and_say sip:echo@127.0.0.1:5062 ["your package has arrived"]
#include <voip/audio/voice_activity_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/speech/default_engines.hpp>

#include <asio.hpp>
#include <fmt/core.h>

namespace {

// Hears the far end; the first utterance that comes back is our echo.
class Listener : public voip::VoiceActivityCall {
public:
    Listener(voip::rtp::Multiplexer& mux, std::function<void()> on_echo)
        : VoiceActivityCall(mux), on_echo_(std::move(on_echo)) {}

protected:
    void on_voice(voip::AudioFrame utterance) override {
        fmt::print("heard {} samples back\n", utterance.samples.size());
        if (auto f = std::exchange(on_echo_, nullptr)) f();
    }

private:
    std::function<void()> on_echo_;
};

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 2) {
        fmt::print(stderr, "usage: dial_and_say <sip-uri> [text]\n");
        return 2;
    }
    auto target = voip::sip::Uri::parse(argv[1]);
    if (!target) {
        fmt::print(stderr, "bad target {}: {}\n", argv[1], target.error().message());
        return 2;
    }
    auto tts = voip::speech::default_text_to_speech();  // Flite, slt voice, 16 kHz
    auto speech = tts ? (*tts)->synthesize(argc > 2 ? argv[2] : "your package has arrived")
                      : voip::Result<voip::speech::Audio>(tts.error());
    if (!speech) {
        fmt::print(stderr, "no speech: {}\n", speech.error().message());
        return 1;
    }

    asio::io_context io;
    voip::sip::UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:0"};
    voip::sip::UserAgent ua{io.get_executor(), config};
    voip::sip::CallConfig calls;
    calls.srtp = voip::sdp::CryptoPolicy::preferred;  // SRTP when the far end offers/takes it
    voip::sip::enable_calls(ua, io, calls);

    bool echoed = false;
    std::shared_ptr<Listener> call;
    auto hang_up = [&] { call->hang_up([&](std::error_code) { io.stop(); }); };  // BYE
    auto dialog = ua.make_dialog();
    dialog->async_dial<Listener>(
        *target,
        [&](std::error_code ec, std::shared_ptr<Listener> answered) {
            if (ec) {
                fmt::print(stderr, "call failed: {}\n", ec.message());
                return io.stop();
            }
            call = std::move(answered);
            fmt::print("answered; speaking\n");
            call->send_audio(speech->samples);  // resampled to the codec, paced at 20 ms
        },
        [&] { echoed = true, hang_up(); });

    asio::steady_timer give_up{io, std::chrono::seconds(20)};
    give_up.async_wait([&](std::error_code ec) {
        if (!ec) call ? hang_up() : io.stop();
    });
    io.run();
    fmt::print("{}\n", echoed ? "echo came back" : "no echo");
    return echoed ? 0 : 1;
} catch (const std::exception& e) {
    fmt::print(stderr, "dial_and_say: {}\n", e.what());
    return 1;
}
