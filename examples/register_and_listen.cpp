// Register an account, then print every MESSAGE that arrives until Ctrl-C; OPTIONS and
// unknown requests are answered by the UserAgent itself.
//   register_and_listen sip:alice:secret@127.0.0.1:5060 [udp:0.0.0.0:5070]
#include <voip/sip/user_agent.hpp>

#include <asio.hpp>
#include <fmt/core.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: {} <aor> [listen]\n", argv[0]);
        return 2;
    }
    auto aor = voip::sip::Uri::parse(argv[1]);
    if (!aor) {
        fmt::print(stderr, "bad AOR {}: {}\n", argv[1], aor.error().message());
        return 2;
    }

    asio::io_context io;
    voip::sip::UserAgentConfig config;
    config.listen = {argc > 2 ? argv[2] : "udp:0.0.0.0:5070"};
    config.account.emplace();
    config.account->aor = *aor;  // the password comes from the AOR's user:password part
    voip::sip::UserAgent ua{io.get_executor(), config};

    ua.on_request("MESSAGE", [](const voip::sip::IncomingRequest& in) {
        fmt::print("{}: {}\n", in.request.header("From").value_or("?"), in.request.body());
        (void)in.transaction->respond(200);
    });
    ua.async_register(
        [](std::error_code ec) { fmt::print("register: {}\n", ec ? ec.message() : "ok"); });
    asio::signal_set stop{io, SIGINT, SIGTERM};
    stop.async_wait([&](auto, int) { ua.async_unregister([&](auto) { io.stop(); }); });
    io.run();
}
