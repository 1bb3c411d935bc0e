// Two TransactionLayers talking over real UDP sockets on 127.0.0.1, with the Asio timer
// service: OPTIONS → 200 through use_awaitable, INVITE → 486 with the transaction's ACK on the
// wire, and a lost first datagram recovered by Timer E retransmission. The MessageChannel here
// is a minimal one for the test; the transport module provides the real one.
#include <voip/sip/parser.hpp>
#include <voip/sip/transaction_layer.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace voip::sip {
namespace {

using asio::ip::udp;

class UdpChannel final : public MessageChannel {
public:
    explicit UdpChannel(asio::io_context& io)
        : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

    void attach(TransactionLayer& layer) {
        layer_ = &layer;
        receive();
    }
    [[nodiscard]] TransportAddress address() const {
        auto ep = socket_.local_endpoint();
        return TransportAddress{TransportKind::udp, ep.address(), ep.port()};
    }

    void send(const Message& message, const TransportAddress& to, ErrorHandler on_error) override {
        auto bytes = std::make_shared<std::string>(message.to_string());
        socket_.async_send_to(
            asio::buffer(*bytes), udp::endpoint(to.address, to.port),
            [bytes, on_error = std::move(on_error)](std::error_code ec, std::size_t) {
                if (ec && on_error) on_error(ec);
            });
    }
    [[nodiscard]] std::string sent_by(const TransportAddress& /*to*/) const override {
        return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
    }

    int drop_next = 0;  // datagrams to drop on receipt (simulated loss)
    int received = 0;

private:
    void receive() {
        socket_.async_receive_from(
            asio::buffer(buffer_), from_, [this](std::error_code ec, std::size_t n) {
                if (ec) return;
                ++received;
                if (drop_next > 0) {
                    --drop_next;
                } else if (auto message = parse_message(std::string_view(buffer_.data(), n))) {
                    (void)layer_->receive(
                        *message,
                        TransportAddress{TransportKind::udp, from_.address(), from_.port()});
                }
                receive();
            });
    }

    udp::socket socket_;
    udp::endpoint from_;
    std::array<char, 65536> buffer_{};
    TransactionLayer* layer_ = nullptr;
};

Request options_to(const TransportAddress& to, Method method = Method::options) {
    Request r(method, Uri::parse("sip:uas@127.0.0.1:" + std::to_string(to.port)).value());
    r.add_header(HeaderId::max_forwards, "70");
    r.add_header(HeaderId::to, "<sip:uas@127.0.0.1>");
    r.add_header(HeaderId::from, "<sip:uac@127.0.0.1>;tag=loop1");
    r.add_header(HeaderId::call_id, "loopback-" + std::string(to_string(method)));
    r.add_header(HeaderId::cseq, "1 " + std::string(to_string(method)));
    return r;
}

class LoopbackTest : public ::testing::Test {
protected:
    LoopbackTest() {
        TimerConfig fast;
        fast.t1 = std::chrono::milliseconds{50};  // keep retransmission tests short
        uac_layer = std::make_unique<TransactionLayer>(io.get_executor(), uac, fast);
        uas_layer = std::make_unique<TransactionLayer>(io.get_executor(), uas, fast);
        uac.attach(*uac_layer);
        uas.attach(*uas_layer);
    }
    void run_until(const bool& done) {
        // Bounded: at most 5 s of real time.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
        while (!done && std::chrono::steady_clock::now() < deadline) {
            io.run_for(std::chrono::milliseconds{10});
        }
    }

    asio::io_context io;
    UdpChannel uac{io};
    UdpChannel uas{io};
    std::unique_ptr<TransactionLayer> uac_layer;
    std::unique_ptr<TransactionLayer> uas_layer;
};

// asio 1.22 enables co_await only for g++ (clang needs libc++'s <experimental/coroutine>), so
// the coroutine tests are compiled where ASIO_HAS_CO_AWAIT is set (the g++ build runs them).
#if defined(ASIO_HAS_CO_AWAIT)
TEST_F(LoopbackTest, OptionsOverUdpWithUseAwaitable) {
    int requests = 0;
    uas_layer->on_request([&](const IncomingRequest& in) {
        ++requests;
        ASSERT_NE(in.transaction, nullptr);
        EXPECT_EQ(in.source, uac.address());
        Response ok = Response::make_for(in.request, 200, {}, "uas1");
        ok.add_header(HeaderId::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS");
        ASSERT_TRUE(in.transaction->respond(std::move(ok)));
    });
    bool done = false;
    std::optional<Response> answer;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            answer = co_await uac_layer->async_send_request(options_to(uas.address()),
                                                            uas.address(), asio::use_awaitable);
            done = true;
        },
        asio::detached);
    run_until(done);
    ASSERT_TRUE(done);
    EXPECT_EQ(answer->status_code(), 200);
    EXPECT_EQ(answer->to_tag(), "uas1");
    EXPECT_EQ(answer->allow().size(), 5U);
    EXPECT_EQ(requests, 1);
}

#endif  // ASIO_HAS_CO_AWAIT

TEST_F(LoopbackTest, LostRequestIsRetransmittedByTimerE) {
    uas.drop_next = 1;
    int requests = 0;
    uas_layer->on_request([&](const IncomingRequest& in) {
        ++requests;
        (void)in.transaction->respond(200, {}, "t");
    });
    bool done = false;
    std::error_code error;
    int status = 0;
    uac_layer->async_send_request(options_to(uas.address()), uas.address(),
                                  [&](std::error_code ec, const Response& r) {
                                      error = ec;
                                      status = r.status_code();
                                      done = true;
                                  });
    run_until(done);
    ASSERT_TRUE(done);
    EXPECT_FALSE(error) << error.message();
    EXPECT_EQ(status, 200);
    EXPECT_GE(uas.received, 2) << "the first datagram was dropped, a retransmission arrived";
    EXPECT_EQ(requests, 1);
}

TEST_F(LoopbackTest, InviteRejectedIsAckedOverTheWire) {
    std::shared_ptr<ServerTransaction> server;
    uas_layer->on_request([&](const IncomingRequest& in) {
        ASSERT_NE(in.transaction, nullptr) << "the ACK must not reach the TU";
        server = in.transaction;
        (void)server->respond(486, {}, "busy");
    });
    bool done = false;
    int status = 0;
    uac_layer->async_send_request(options_to(uas.address(), Method::invite), uas.address(),
                                  [&](std::error_code ec, const Response& r) {
                                      EXPECT_FALSE(ec);
                                      status = r.status_code();
                                      done = true;
                                  });
    run_until(done);
    ASSERT_TRUE(done);
    EXPECT_EQ(status, 486);
    bool confirmed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (std::chrono::steady_clock::now() < deadline) {
        io.run_for(std::chrono::milliseconds{10});
        if (server && server->state() != ServerState::completed) {
            confirmed = true;
            break;
        }
    }
    ASSERT_TRUE(confirmed);
    EXPECT_EQ(server->state(), ServerState::confirmed) << "the UAC's ACK matched (§17.2.1)";
}

}  // namespace
}  // namespace voip::sip
