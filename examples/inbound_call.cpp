// Take calls: ring, answer with an echo (what the caller says comes back), print when the
// caller hangs up. Runs until Ctrl-C.
//   inbound_call [udp:127.0.0.1:5070] [media address, default 127.0.0.1]
// Try it with another libvoip program (examples/outbound_call) or SIPp:
//   sipp -sn uac 127.0.0.1:5070 -m 1
#include <voip/audio/voice_activity_call.hpp>
#include <voip/sip/dialog.hpp>

#include <asio.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdio>

namespace {

// One per inbound INVITE (made by the UserAgent's dialog layer).
class FrontDesk : public voip::sip::Dialog {
public:
    using Dialog::Dialog;

    void on_invite(const voip::sip::Request& invite) override {
        fmt::print("call from {}\n", invite.header("From").value_or("?"));
        (void)ringing();                  // 180 Ringing
        if (!accept<voip::EchoCall>()) {  // SDP answer, 200 OK, media started
            fmt::print("could not answer (no common codec?)\n");
        }
    }
    void on_bye() override { fmt::print("{}: caller hung up\n", call_id()); }
    void on_cancel() override { fmt::print("{}: caller gave up\n", call_id()); }
    void on_terminated(voip::sip::EndReason reason, std::error_code detail) override {
        fmt::print("{}: ended ({}{}{})\n", call_id(), to_string(reason), detail ? ": " : "",
                   detail ? detail.message() : "");
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line by line, also into a pipe
    try {
        asio::io_context io;
        voip::sip::UserAgentConfig config;
        config.listen = {argc > 1 ? argv[1] : "udp:127.0.0.1:5070"};
        voip::sip::UserAgent ua{io.get_executor(), config};

        voip::sip::CallConfig calls;
        calls.media_address = argc > 2 ? argv[2] : "127.0.0.1";
        calls.srtp = voip::sdp::CryptoPolicy::preferred;  // SRTP when the caller offers it
        voip::sip::enable_calls(ua, io, calls);
        ua.on_incoming<FrontDesk>();

        fmt::print("waiting for calls on {}\n", ua.local_addresses().front().to_string());
        asio::signal_set stop{io, SIGINT, SIGTERM};
        stop.async_wait([&](auto, int) { io.stop(); });
        io.run();
    } catch (const std::exception& e) {
        fmt::print(stderr, "inbound_call: {}\n", e.what());
        return 1;
    }
}
