// Feeds arbitrary datagrams to a TransactionLayer (as requests, retransmissions, responses to
// live client transactions, ACKs) with a manual clock, and checks the layer's invariants: it
// never crashes, and after 64*T1 + T4 of silence every transaction has terminated (no leak, no
// timer that re-arms forever) but a ringing INVITE client transaction.
#include <voip/sip/parser.hpp>
#include <voip/sip/transaction_layer.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace voip::sip;

class NullChannel final : public MessageChannel {
public:
    void send(const Message& message, const TransportAddress& /*to*/,
              ErrorHandler on_error) override {
        bytes += message.to_string().size();
        if (fail_every != 0 && ++count % fail_every == 0) errors.push_back(std::move(on_error));
    }
    [[nodiscard]] std::string sent_by(const TransportAddress& /*to*/) const override {
        return "192.0.2.1:5060";
    }
    std::size_t bytes = 0;
    unsigned fail_every = 0;
    unsigned count = 0;
    std::vector<ErrorHandler> errors;
};

Request client_request(Method method, std::string_view branch) {
    Request r(method, Uri::parse("sip:bob@example.com").value());
    r.add_header(HeaderId::via, "SIP/2.0/UDP 192.0.2.1:5060;branch=" + std::string(branch));
    r.add_header(HeaderId::to, "<sip:bob@example.com>");
    r.add_header(HeaderId::from, "<sip:alice@example.com>;tag=fz");
    r.add_header(HeaderId::call_id, "fuzz@192.0.2.1");
    r.add_header(HeaderId::cseq, "1 " + std::string(to_string(method)));
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    asio::io_context io;
    ManualTimerService clock;
    NullChannel channel;
    channel.fail_every = size % 7;
    const TransportAddress peer =
        TransportAddress::parse(size % 2 ? "udp:192.0.2.9:5060" : "tcp:192.0.2.9:5060").value();
    static constexpr int statuses[] = {100, 180, 200, 302, 486, 500, 603};
    {
        TransactionLayer layer(io.get_executor(), channel, clock);
        unsigned responses = 0;
        layer.on_request([&](const IncomingRequest& in) {
            if (!in.transaction) return;
            const int status = statuses[(size + responses++) % std::size(statuses)];
            (void)in.transaction->respond(status, {}, "fuzztag");
            if (status < 200) (void)in.transaction->respond(200, {}, "fuzztag");
        });
        // Live client transactions, so that a fuzzed response can match one.
        (void)layer.send_request(client_request(Method::invite, "z9hG4bKfuzz"), peer);
        (void)layer.send_request(client_request(Method::options, "z9hG4bKfuzz"), peer);
        (void)layer.send_request(client_request(Method::cancel, "z9hG4bKfuzz"), peer);

        for (int round = 0; round < 3; ++round) {
            if (auto message = parse_message(bytes)) (void)layer.receive(*message, peer);
            clock.advance(std::chrono::milliseconds{700});
            io.restart();
            io.poll();
        }
        for (auto& on_error : channel.errors) {
            if (on_error) on_error(std::make_error_code(std::errc::connection_reset));
        }
        channel.errors.clear();
        // 64*T1 + T4 and a margin: every transaction must be over, except an INVITE client
        // transaction in Proceeding, which RFC 3261 §17.1.1.2 keeps until a final response
        // (ending a ringing call is the TU's CANCEL).
        clock.advance(std::chrono::seconds{40});
        io.restart();
        io.poll();
        auto invite = layer.find_client("z9hG4bKfuzz", "INVITE");
        const std::size_t ringing = invite && invite->state() == ClientState::proceeding ? 1U : 0U;
        if (layer.client_count() != ringing || layer.server_count() != 0) __builtin_trap();
    }
    io.restart();
    io.poll();
    return 0;
}
