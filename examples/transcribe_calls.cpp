// Answer every call and print what the caller says (PocketSphinx, off the I/O thread).
//   transcribe_calls [listen]         e.g. transcribe_calls udp:127.0.0.1:5062
// The speech model is wideband: callers should offer Opus or G.722, not only G.711.
#include <voip/sip/dialog.hpp>
#include <voip/speech/default_engines.hpp>
#include <voip/speech/transcribe_call.hpp>

#include <asio.hpp>
#include <fmt/core.h>

namespace {

std::shared_ptr<voip::speech::SpeechToText> engine;  // loaded once, shared by every call

class Printer : public voip::TranscribeCall {
public:
    explicit Printer(voip::rtp::Multiplexer& mux) : TranscribeCall(mux, engine) {}

protected:
    void on_transcription(std::string text) override { fmt::print("caller said: \"{}\"\n", text); }
};

class Desk : public voip::sip::Dialog {
public:
    using Dialog::Dialog;
    void on_invite(const voip::sip::Request&) override {
        fmt::print("call from {}\n", remote_uri().to_string());
        if (!accept<Printer>()) fmt::print("could not answer\n");
    }
    void on_bye() override { fmt::print("caller hung up\n"); }
};

}  // namespace

int main(int argc, char** argv) try {
    auto stt = voip::speech::default_speech_to_text();  // about half a second
    if (!stt) {
        fmt::print(stderr, "no speech recogniser: {}\n", stt.error().message());
        return 1;
    }
    engine = *stt;

    asio::io_context io;
    voip::sip::UserAgentConfig config;
    config.listen = {argc > 1 ? argv[1] : "udp:127.0.0.1:5062"};
    voip::sip::UserAgent ua{io.get_executor(), config};
    voip::sip::enable_calls(ua, io);
    ua.on_incoming<Desk>();
    fmt::print("transcribing calls on {}\n", ua.local_addresses().front().to_string());

    asio::signal_set stop{io, SIGINT, SIGTERM};
    stop.async_wait([&](auto, int) { io.stop(); });
    io.run();
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "transcribe_calls: {}\n", e.what());
    return 1;
}
