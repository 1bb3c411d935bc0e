// One library UAS instance of the scale-out test: answers every INVITE with 200 (no media),
// the 2xx retransmitted until the ACK, 200 to the BYE (bench/common/bench_uas.cpp, at the
// UserAgent DialogHandler level). On SIGTERM it stops serving at once (as a crashed instance
// would: nothing more is answered) and prints what it did, so the test can tell which calls
// were in progress on it.
//
//   voip_scale_uas PORT NAME

#include <voip/log.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "bench_uas.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: voip_scale_uas PORT NAME\n");
        return 2;
    }
    try {
        voip::log::set_level(voip::log::Level::warning);
        const std::string port = argv[1];
        const std::string name = argv[2];
        asio::io_context io(1);
        voip::sip::UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:" + port};
        config.user_agent = "libvoip-scale-" + name;
        voip::sip::UserAgent ua{io.get_executor(), config};
        auto uas =
            std::make_shared<voip::bench::BenchUas>(ua, "sip:" + name + "@127.0.0.1:" + port);
        ua.set_dialog_handler(uas);
        asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](std::error_code, int) { io.stop(); });
        std::printf("%s listening on 127.0.0.1:%s\n", name.c_str(), port.c_str());
        std::fflush(stdout);
        io.run();
        const auto& c = uas->counters();
        std::printf("UAS name=%s answered=%llu acked=%llu byes=%llu open=%zu ack_timeouts=%llu\n",
                    name.c_str(), static_cast<unsigned long long>(c.answered),
                    static_cast<unsigned long long>(c.acked),
                    static_cast<unsigned long long>(c.byes), uas->open_calls(),
                    static_cast<unsigned long long>(c.ack_timeouts));
        std::fflush(stdout);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "voip_scale_uas: %s\n", e.what());
        return 1;
    }
}
