// A tiny IVR: answers, says the menu, and on key 1 (RFC 4733 DTMF) says the time; # hangs up.
// Speech comes from Flite when the library has it, otherwise each prompt is a short beep.
//   dtmf_menu [listen]               e.g. dtmf_menu udp:127.0.0.1:5062
#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/speech/default_engines.hpp>

#include <asio.hpp>
#include <fmt/chrono.h>
#include <fmt/core.h>

#include <cmath>
#include <ctime>
#include <numbers>

namespace {

std::shared_ptr<voip::speech::TextToSpeech> tts;  // null: beeps instead of words

std::vector<float> prompt(const std::string& text) {
    if (tts) {
        if (auto speech = tts->synthesize(text); speech && speech->rate == 16000) {
            return std::move(speech->samples);
        }
    }
    std::vector<float> beep(16000 * 3 / 10);  // 300 ms of 440 Hz at 16 kHz
    for (std::size_t i = 0; i < beep.size(); ++i) {
        beep[i] = 0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * 440 * i / 16000.0));
    }
    return beep;
}

class Menu : public voip::AudioCall {
public:
    using AudioCall::AudioCall;
    void say(const std::string& text) {
        cancel_outbound_audio();  // a key press interrupts the prompt playing
        send_audio(prompt(text));
    }

protected:
    void on_dtmf(char digit, std::chrono::milliseconds) override {
        fmt::print("key {}\n", digit);
        if (digit == '1') {
            say(fmt::format("the time is {:%H %M}", fmt::localtime(std::time(nullptr))));
        } else if (digit == '#') {
            hang_up([](std::error_code) {});  // BYE
        } else {
            say("press 1 to hear the time");
        }
    }
};

class Desk : public voip::sip::Dialog {
public:
    using Dialog::Dialog;
    void on_invite(const voip::sip::Request&) override {
        if (auto call = accept<Menu>()) call->say("welcome. press 1 to hear the time.");
    }
};

}  // namespace

int main(int argc, char** argv) try {
    if (auto engine = voip::speech::default_text_to_speech()) tts = *engine;
    asio::io_context io;
    voip::sip::UserAgentConfig config;
    config.listen = {argc > 1 ? argv[1] : "udp:127.0.0.1:5062"};
    voip::sip::UserAgent ua{io.get_executor(), config};
    voip::sip::CallConfig calls;
    calls.srtp = voip::sdp::CryptoPolicy::preferred;  // SRTP when the far end offers/takes it
    voip::sip::enable_calls(ua, io, calls);
    ua.on_incoming<Desk>();
    fmt::print("menu on {} ({})\n", ua.local_addresses().front().to_string(),
               tts ? "Flite speech" : "beeps: no speech engine");

    asio::signal_set stop{io, SIGINT, SIGTERM};
    stop.async_wait([&](auto, int) { io.stop(); });
    io.run();
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "dtmf_menu: {}\n", e.what());
    return 1;
}
