// Loopback tests of the Binding client against the in-process responder (127.0.0.1 and ::1).
#include <voip/stun/binding_client.hpp>
#include <voip/stun/binding_responder.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

namespace {

using namespace voip::stun;
using namespace std::chrono_literals;
using asio::ip::udp;

// Reads the client socket and feeds STUN datagrams to the client, as the multiplexer would.
class Pump {
public:
    Pump(udp::socket& socket, BindingClient& client) : socket_(socket), client_(client) {}
    void start() {
        socket_.async_receive_from(asio::buffer(buffer_), from_,
                                   [this](std::error_code ec, std::size_t n) {
                                       if (ec) return;
                                       ++datagrams;
                                       client_.handle_datagram(std::span(buffer_.data(), n));
                                       start();
                                   });
    }
    int datagrams = 0;

private:
    udp::socket& socket_;
    BindingClient& client_;
    udp::endpoint from_;
    std::array<std::uint8_t, 2048> buffer_{};
};

struct Loopback {
    explicit Loopback(const char* address, BindingResponder::Options responder_options = {},
                      BindingOptions client_options = {})
        : server(io, udp::endpoint{asio::ip::make_address(address), 0}),
          client_socket(io, udp::endpoint{asio::ip::make_address(address), 0}),
          responder(server, std::move(responder_options)),
          client(client_socket, server.local_endpoint(), std::move(client_options)),
          pump(client_socket, client) {
        responder.start();
        pump.start();
    }
    asio::io_context io;
    udp::socket server;
    udp::socket client_socket;
    BindingResponder responder;
    BindingClient client;
    Pump pump;
};

struct Outcome {
    std::error_code error;
    udp::endpoint endpoint;
};

// Runs the io_context until the callback fired (bounded by a deadline).
Outcome resolve_with_callback(Loopback& l, std::chrono::milliseconds deadline = 5s) {
    std::optional<Outcome> out;
    l.client.async_resolve_public_address([&](std::error_code ec, udp::endpoint ep) {
        out = Outcome{ec, ep};
    });
    const auto stop = std::chrono::steady_clock::now() + deadline;
    while (!out && std::chrono::steady_clock::now() < stop)
        l.io.run_for(10ms);
    EXPECT_TRUE(out) << "no completion before the deadline";
    return out.value_or(Outcome{make_error_code(std::errc::timed_out), {}});
}

TEST(BindingClient, ResolvesOverIpv4WithACallback) {
    Loopback l{"127.0.0.1"};
    auto out = resolve_with_callback(l);
    ASSERT_FALSE(out.error) << out.error.message();
    EXPECT_EQ(out.endpoint, l.client_socket.local_endpoint());
    EXPECT_EQ(l.client.transmissions(), 1U);
    EXPECT_EQ(l.responder.requests_received(), 1U);
    EXPECT_EQ(l.responder.responses_sent(), 1U);
}

#if defined(ASIO_HAS_CO_AWAIT)
// Asio 1.22 enables coroutines for g++ only; with clang 14 this test is compiled out.
TEST(BindingClient, ResolvesOverIpv6WithAwaitable) {
    Loopback l{"::1"};
    std::optional<udp::endpoint> result;
    std::error_code failure;
    asio::co_spawn(
        l.io,
        [&]() -> asio::awaitable<void> {
            try {
                result = co_await l.client.async_resolve_public_address(asio::use_awaitable);
            } catch (const std::system_error& e) {
                failure = e.code();
            }
        },
        asio::detached);
    const auto stop = std::chrono::steady_clock::now() + 5s;
    while (!result && !failure && std::chrono::steady_clock::now() < stop)
        l.io.run_for(10ms);
    ASSERT_FALSE(failure) << failure.message();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->address().is_v6());
    EXPECT_EQ(*result, l.client_socket.local_endpoint());
}
#endif

TEST(BindingClient, ResolvesOverIpv6WithACallback) {
    Loopback l{"::1"};
    auto out = resolve_with_callback(l);
    ASSERT_FALSE(out.error) << out.error.message();
    EXPECT_TRUE(out.endpoint.address().is_v6());
    EXPECT_EQ(out.endpoint, l.client_socket.local_endpoint());
}

TEST(BindingClient, ResolvesWithAFuture) {
    Loopback l{"127.0.0.1"};
    std::future<udp::endpoint> f = l.client.async_resolve_public_address(asio::use_future);
    auto work = asio::make_work_guard(l.io);
    std::thread runner([&] { l.io.run_for(5s); });
    const auto status = f.wait_for(5s);
    work.reset();
    l.io.stop();
    runner.join();
    ASSERT_EQ(status, std::future_status::ready);
    EXPECT_EQ(f.get(), l.client_socket.local_endpoint());
}

TEST(BindingClient, RetransmitsUntilTheResponderAnswers) {
    BindingResponder::Options lossy;
    lossy.drop_first = 3;
    BindingOptions fast;
    fast.rto = 20ms;
    Loopback l{"127.0.0.1", lossy, fast};
    const auto started = std::chrono::steady_clock::now();
    auto out = resolve_with_callback(l);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(out.error) << out.error.message();
    EXPECT_EQ(out.endpoint, l.client_socket.local_endpoint());
    // Three dropped requests, the fourth answered: exactly 4 sent and seen.
    EXPECT_EQ(l.client.transmissions(), 4U);
    EXPECT_EQ(l.responder.requests_received(), 4U);
    EXPECT_EQ(l.responder.responses_sent(), 1U);
    // Retransmissions at 20, 60, 140 ms (RFC 5389 §7.2.1 doubling): never earlier than that.
    EXPECT_GE(elapsed, 140ms);
}

TEST(BindingClient, TimesOutAfterRcRequestsAndTheLastWait) {
    BindingResponder::Options silent;
    silent.drop_first = 1000;
    BindingOptions fast;
    fast.rto = 10ms;
    fast.max_transmissions = 4;
    fast.last_wait_factor = 3;
    Loopback l{"127.0.0.1", silent, fast};
    const auto started = std::chrono::steady_clock::now();
    auto out = resolve_with_callback(l);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(out.error, make_error_code(Error::timed_out));
    EXPECT_EQ(l.client.transmissions(), 4U);
    // Let any last datagram reach the responder before counting.
    l.io.run_for(20ms);
    EXPECT_EQ(l.responder.requests_received(), 4U);
    // Sends at 0, 10, 30, 70 ms, then Rm × RTO = 30 ms: at least 100 ms in all.
    EXPECT_GE(elapsed, 100ms);
}

TEST(BindingClient, FallsBackToMappedAddress) {
    BindingResponder::Options old_style;
    old_style.xor_mapped_address = false;
    old_style.mapped_address = true;
    Loopback l{"127.0.0.1", old_style};
    auto out = resolve_with_callback(l);
    ASSERT_FALSE(out.error) << out.error.message();
    EXPECT_EQ(out.endpoint, l.client_socket.local_endpoint());
}

TEST(BindingClient, ReportsErrorResponses) {
    BindingResponder::Options failing;
    failing.error_code = 401;
    Loopback l{"127.0.0.1", failing};
    auto out = resolve_with_callback(l);
    EXPECT_EQ(out.error, make_error_code(Error::error_response));
    ASSERT_TRUE(l.client.last_error_code());
    EXPECT_EQ(*l.client.last_error_code(), 401);
}

TEST(BindingClient, SuccessWithoutAddressIsAnError) {
    BindingResponder::Options empty;
    empty.xor_mapped_address = false;
    Loopback l{"127.0.0.1", empty};
    auto out = resolve_with_callback(l);
    EXPECT_EQ(out.error, make_error_code(Error::no_mapped_address));
}

TEST(BindingClient, OneTransactionAtATimeAndCancel) {
    BindingResponder::Options silent;
    silent.drop_first = 1000;
    Loopback l{"127.0.0.1", silent};
    std::optional<std::error_code> first;
    std::optional<std::error_code> second;
    l.client.async_resolve_public_address([&](std::error_code ec, udp::endpoint) { first = ec; });
    l.client.async_resolve_public_address([&](std::error_code ec, udp::endpoint) { second = ec; });
    l.io.run_for(20ms);
    ASSERT_TRUE(second);
    EXPECT_EQ(*second, make_error_code(Error::busy));
    EXPECT_FALSE(first);
    l.client.cancel();
    EXPECT_FALSE(first);  // completion is posted, never invoked inline
    l.io.run_for(20ms);
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, asio::error::operation_aborted);
}

TEST(BindingClient, IgnoresForeignDatagrams) {
    Loopback l{"127.0.0.1"};
    const std::array<std::uint8_t, 12> rtp = {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_FALSE(l.client.handle_datagram(rtp));  // nothing pending
    std::optional<std::error_code> done;
    l.client.async_resolve_public_address([&](std::error_code ec, udp::endpoint) { done = ec; });
    EXPECT_FALSE(l.client.handle_datagram(rtp));
    // A success response with another transaction ID.
    std::array<std::uint8_t, 64> other{};
    MessageBuilder b{other, Method::binding, Class::success_response, TransactionId{}};
    ASSERT_TRUE(b.add_xor_mapped_address(l.client_socket.local_endpoint()));
    const std::size_t n = b.finish().value();
    EXPECT_FALSE(l.client.handle_datagram(std::span(other.data(), n)));
    const auto stop = std::chrono::steady_clock::now() + 5s;
    while (!done && std::chrono::steady_clock::now() < stop)
        l.io.run_for(10ms);
    ASSERT_TRUE(done);
    EXPECT_FALSE(*done);
}

TEST(BindingClient, DestroyingTheClientAbortsThePendingOperation) {
    asio::io_context io;
    udp::socket socket(io, udp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
    udp::socket nobody(io, udp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
    std::optional<std::error_code> done;
    {
        BindingClient client{socket, nobody.local_endpoint()};
        client.async_resolve_public_address([&](std::error_code ec, udp::endpoint) { done = ec; });
    }
    io.run_for(50ms);
    ASSERT_TRUE(done);
    EXPECT_EQ(*done, asio::error::operation_aborted);
}

}  // namespace
