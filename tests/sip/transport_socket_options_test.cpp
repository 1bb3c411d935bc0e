// TransportConfig socket options: SO_REUSEPORT (one UserAgent per core on one port) and the UDP
// buffer sizes (a capped size is not an error).

#include <voip/sip/transport_layer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include "sip/transport_test_util.hpp"

namespace voip::sip {
namespace {

TEST(TransportSocketOptions, SecondUdpBindOnSamePortFailsWithoutReusePort) {
    asio::io_context io;
    TransportLayer first{io.get_executor()};
    auto bound = first.listen("udp:127.0.0.1:0");
    ASSERT_TRUE(bound);
    TransportLayer second{io.get_executor()};
    EXPECT_FALSE(second.listen(*bound));
}

TEST(TransportSocketOptions, ReusePortLetsTwoLayersShareAUdpPortAndBothReceive) {
    asio::io_context io;
    TransportConfig config;
    config.reuse_port = true;
    TransportLayer first{io.get_executor(), config};
    auto bound = first.listen("udp:127.0.0.1:0");
    ASSERT_TRUE(bound);
    TransportLayer second{io.get_executor(), config};
    ASSERT_TRUE(second.listen(*bound));
    int at_first = 0;
    int at_second = 0;
    first.on_message([&](ReceivedMessage&) { ++at_first; });
    second.on_message([&](ReceivedMessage&) { ++at_second; });

    // The kernel picks a socket per source address/port: many senders reach both.
    constexpr int senders = 64;
    std::vector<std::unique_ptr<TransportLayer>> clients;
    for (int i = 0; i < senders; ++i) {
        clients.push_back(std::make_unique<TransportLayer>(io.get_executor()));
        ASSERT_TRUE(clients.back()->listen("udp:127.0.0.1:0"));
        clients.back()->send(test::make_options(*clients.back(), *bound, std::to_string(i)), *bound,
                             {});
    }
    ASSERT_TRUE(test::run_until(io, [&] { return at_first + at_second == senders; }));
    EXPECT_GT(at_first, 0);
    EXPECT_GT(at_second, 0);
}

TEST(TransportSocketOptions, ReusePortOnTcpListeners) {
    asio::io_context io;
    TransportConfig config;
    config.reuse_port = true;
    TransportLayer first{io.get_executor(), config};
    auto bound = first.listen("tcp:127.0.0.1:0");
    ASSERT_TRUE(bound);
    TransportLayer second{io.get_executor(), config};
    EXPECT_TRUE(second.listen(*bound));
}

TEST(TransportSocketOptions, OversizedUdpBuffersStillListenAndReceive) {
    // Far above any rmem_max: the kernel caps it, listen() still succeeds.
    asio::io_context io;
    TransportConfig config;
    config.udp_receive_buffer_bytes = std::size_t{1} << 30;
    config.udp_send_buffer_bytes = std::size_t{1} << 30;
    TransportLayer server{io.get_executor(), config};
    auto bound = server.listen("udp:127.0.0.1:0");
    ASSERT_TRUE(bound);
    int received = 0;
    server.on_message([&](ReceivedMessage&) { ++received; });
    TransportLayer client{io.get_executor()};
    ASSERT_TRUE(client.listen("udp:127.0.0.1:0"));
    client.send(test::make_options(client, *bound, "big"), *bound, {});
    EXPECT_TRUE(test::run_until(io, [&] { return received == 1; }));
}

TEST(TransportSocketOptions, DefaultsAskForFourMebibytesAndNoReusePort) {
    const TransportConfig config;
    EXPECT_EQ(config.udp_receive_buffer_bytes, std::size_t{4} * 1024 * 1024);
    EXPECT_EQ(config.udp_send_buffer_bytes, 0U);
    EXPECT_FALSE(config.reuse_port);
}

}  // namespace
}  // namespace voip::sip
