// Make a call: dial, speak a tone for three seconds, hang up.
//   outbound_call sip:bob@127.0.0.1:5070 [udp:127.0.0.1:0]
#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>

#include <asio.hpp>
#include <fmt/core.h>

#include <cmath>
#include <numbers>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: {} <target URI> [listen]\n", argv[0]);
        return 2;
    }
    auto target = voip::sip::Uri::parse(argv[1]);
    if (!target) {
        fmt::print(stderr, "bad target {}: {}\n", argv[1], target.error().message());
        return 2;
    }
    try {
        asio::io_context io;
        voip::sip::UserAgentConfig config;
        config.listen = {argc > 2 ? argv[2] : "udp:127.0.0.1:0"};
        voip::sip::UserAgent ua{io.get_executor(), config};
        voip::sip::CallConfig calls;
        calls.media_address = "127.0.0.1";
        voip::sip::enable_calls(ua, io, calls);

        // 3 s of a 440 Hz tone at the AudioCall's 16 kHz.
        std::vector<float> tone(48000);
        for (std::size_t i = 0; i < tone.size(); ++i)
            tone[i] = 0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 *
                                                         static_cast<double>(i) / 16000.0));

        auto dialog = ua.make_dialog();  // a plain sip::Dialog is enough for a caller
        int status = 1;
        dialog->async_dial<voip::AudioCall>(*target, [&](std::error_code ec,
                                                         std::shared_ptr<voip::AudioCall> call) {
            if (ec) {
                // 3xx-6xx carry the SIP status: 486 busy, 603 declined, 487 cancelled...
                fmt::print("call failed: {} (status {})\n", ec.message(), voip::sip::status_of(ec));
                io.stop();
                return;
            }
            fmt::print("answered; codec {}\n", dialog->negotiated()->codec.name);
            call->send_audio(tone, [&, call](std::error_code) {
                call->hang_up([&](std::error_code bye) {  // SessionOwner → BYE
                    fmt::print("hung up: {}\n", bye ? bye.message() : "ok");
                    status = bye ? 1 : 0;
                    io.stop();
                });
            });
        });
        io.run();
        return status;
    } catch (const std::exception& e) {
        fmt::print(stderr, "outbound_call: {}\n", e.what());
        return 1;
    }
}
