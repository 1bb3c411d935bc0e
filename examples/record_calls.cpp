// Answer every call and record what the caller says to call-1.wav, call-2.wav, ...
//   record_calls [listen] [folder]    e.g. record_calls udp:127.0.0.1:5062 /tmp
#include <voip/audio/audio_call.hpp>
#include <voip/codec/wav.hpp>
#include <voip/sip/dialog.hpp>

#include <asio.hpp>
#include <fmt/core.h>

#include <filesystem>

namespace {

std::filesystem::path folder = ".";
int calls = 0;

// Keeps every 20 ms of decoded far-end audio (16 kHz mono float), up to ten minutes.
class Recorder : public voip::AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<float> samples;

protected:
    void on_audio(std::span<const float> frame, float /*rms*/) override {
        if (samples.size() < 600U * audio_config().sample_rate) {
            samples.insert(samples.end(), frame.begin(), frame.end());
        }
    }
};

class Desk : public voip::sip::Dialog {
public:
    using Dialog::Dialog;
    void on_invite(const voip::sip::Request&) override {
        call_ = accept<Recorder>();
        fmt::print("recording a call from {}\n", remote_uri().to_string());
    }
    void on_terminated(voip::sip::EndReason, std::error_code) override {
        if (!call_) return;
        const auto file = folder / fmt::format("call-{}.wav", ++calls);
        auto written =
            voip::codec::write_wav(file, call_->samples, call_->audio_config().sample_rate);
        fmt::print("{}: {}\n", file.string(), written ? "saved" : written.error().message());
    }

private:
    std::shared_ptr<Recorder> call_;
};

}  // namespace

int main(int argc, char** argv) try {
    if (argc > 2) folder = argv[2];
    asio::io_context io;
    voip::sip::UserAgentConfig config;
    config.listen = {argc > 1 ? argv[1] : "udp:127.0.0.1:5062"};
    voip::sip::UserAgent ua{io.get_executor(), config};
    voip::sip::CallConfig calls;
    calls.srtp = voip::sdp::CryptoPolicy::preferred;  // SRTP when the far end offers/takes it
    voip::sip::enable_calls(ua, io, calls);
    ua.on_incoming<Desk>();
    fmt::print("recording calls on {} into {}\n", ua.local_addresses().front().to_string(),
               folder.string());

    asio::signal_set stop{io, SIGINT, SIGTERM};
    stop.async_wait([&](auto, int) { io.stop(); });
    io.run();
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "record_calls: {}\n", e.what());
    return 1;
}
