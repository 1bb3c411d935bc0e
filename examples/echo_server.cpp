// Answer every call and play back what the caller says (utterance by utterance).
//   echo_server [listen] [calls]      e.g. echo_server udp:127.0.0.1:5062 1
// With a call count it exits after that many calls (tests use it); otherwise on Ctrl-C.
#include <voip/audio/voice_activity_call.hpp>
#include <voip/sip/dialog.hpp>

#include <asio.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>

namespace {

int calls_left = -1;  // -1: answer calls until Ctrl-C
asio::io_context* loop = nullptr;

class EchoDesk : public voip::sip::Dialog {
public:
    using Dialog::Dialog;
    void on_invite(const voip::sip::Request&) override {
        fmt::print("call from {}\n", remote_uri().to_string());
        (void)ringing();
        call_ = accept<voip::EchoCall>();  // SDP answer, 200 OK; echoes until BYE
    }
    void on_terminated(voip::sip::EndReason reason, std::error_code) override {
        if (call_) {
            const auto rtp = call_->stats();
            fmt::print("call ended ({}): {} RTP packets in, {} out, {} utterances echoed\n",
                       voip::sip::to_string(reason), rtp.packets_received, rtp.packets_sent,
                       call_->utterances());
        }
        if (calls_left > 0 && --calls_left == 0) {
            asio::post(*loop, [] { loop->stop(); });  // not from inside the hook
        }
    }

private:
    std::shared_ptr<voip::EchoCall> call_;
};

}  // namespace

int main(int argc, char** argv) try {
    asio::io_context io;
    loop = &io;
    if (argc > 2) calls_left = std::atoi(argv[2]);

    voip::sip::UserAgentConfig config;
    config.listen = {argc > 1 ? argv[1] : "udp:127.0.0.1:5062"};
    voip::sip::UserAgent ua{io.get_executor(), config};
    voip::sip::CallConfig calls;
    calls.srtp = voip::sdp::CryptoPolicy::preferred;  // SRTP when the far end offers/takes it
    voip::sip::enable_calls(ua, io, calls);
    ua.on_incoming<EchoDesk>();
    fmt::print("echo server on {}\n", ua.local_addresses().front().to_string());
    std::fflush(stdout);  // scripts wait for this line

    asio::signal_set stop{io, SIGINT, SIGTERM};
    stop.async_wait([&](auto, int) { io.stop(); });  // the dialog layer BYEs open calls
    io.run();
    return 0;
} catch (const std::exception& e) {
    fmt::print(stderr, "echo_server: {}\n", e.what());
    return 1;
}
