#pragma once
// Test doubles for the transaction layer: a MessageChannel that records what is sent (with the
// manual clock's time) and can fail sends on demand, and builders for requests/responses.

#include <voip/sip/message.hpp>
#include <voip/sip/message_channel.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/timer_service.hpp>

#include <chrono>
#include <string>
#include <system_error>
#include <vector>

namespace voip::sip::test {

/// One message handed to the fake channel.
struct SentMessage {
    std::chrono::milliseconds at{0};
    std::string wire;
    TransportAddress to;

    [[nodiscard]] bool is_request() const { return !wire.starts_with("SIP/2.0 "); }
    [[nodiscard]] Request request() const { return Request::parse(wire).value(); }
    [[nodiscard]] Response response() const { return Response::parse(wire).value(); }
    [[nodiscard]] std::string method() const {
        return is_request() ? std::string(request().method()) : std::string();
    }
    [[nodiscard]] int status() const { return is_request() ? 0 : response().status_code(); }
};

class FakeChannel final : public MessageChannel {
public:
    explicit FakeChannel(const ManualTimerService* clock = nullptr) : clock_(clock) {}

    void send(const Message& message, const TransportAddress& to, ErrorHandler on_error) override {
        sent.push_back(SentMessage{clock_ ? clock_->now() : std::chrono::milliseconds{0},
                                   message.to_string(), to});
        error_handlers.push_back(std::move(on_error));
    }
    [[nodiscard]] std::string sent_by(const TransportAddress& /*to*/) const override {
        return "192.0.2.1:5060";
    }

    /// Report a transport failure for the send at index i (as the transport would, later).
    void fail(std::size_t i,
              std::error_code ec = std::make_error_code(std::errc::host_unreachable)) {
        auto handler = std::move(error_handlers.at(i));
        if (handler) handler(ec);
    }
    /// Times of every sent request with this method.
    [[nodiscard]] std::vector<long> times_of(std::string_view method) const {
        std::vector<long> out;
        for (const auto& s : sent) {
            if (s.is_request() && s.method() == method)
                out.push_back(static_cast<long>(s.at.count()));
        }
        return out;
    }
    /// Times of every sent response with this status.
    [[nodiscard]] std::vector<long> times_of(int status) const {
        std::vector<long> out;
        for (const auto& s : sent) {
            if (!s.is_request() && s.status() == status)
                out.push_back(static_cast<long>(s.at.count()));
        }
        return out;
    }

    std::vector<SentMessage> sent;
    std::vector<ErrorHandler> error_handlers;

private:
    const ManualTimerService* clock_;
};

inline TransportAddress udp_peer() {
    return TransportAddress::parse("udp:192.0.2.9:5060").value();
}
inline TransportAddress tcp_peer() {
    return TransportAddress::parse("tcp:192.0.2.9:5060").value();
}

/// A request as a UAC's TU hands it to the layer: no Via (the layer adds it).
inline Request make_request(Method method, std::uint32_t cseq = 1,
                            std::string_view call_id = "a84b4c76e66710@pc33") {
    Request r(method, Uri::parse("sip:bob@biloxi.example.com").value());
    r.add_header(HeaderId::max_forwards, "70");
    r.add_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>");
    r.add_header(HeaderId::from, "Alice <sip:alice@atlanta.example.com>;tag=1928301774");
    r.add_header(HeaderId::call_id, call_id);
    r.add_header(HeaderId::cseq, std::to_string(cseq) + " " + std::string(to_string(method)));
    r.add_header(HeaderId::route, "<sip:p1.example.com;lr>");
    r.add_header(HeaderId::route, "<sip:p2.example.com;lr>");
    r.add_header(HeaderId::contact, "<sip:alice@192.0.2.1>");
    return r;
}

/// A request as it arrives from a peer (with a Via whose branch is given).
inline Request make_incoming(Method method, std::string_view branch, std::uint32_t cseq = 1,
                             std::string_view from_tag = "9fxced76sl",
                             std::string_view call_id = "3848276298220188511@atlanta") {
    Request r(method, Uri::parse("sip:bob@192.0.2.1").value());
    r.add_header(HeaderId::via, "SIP/2.0/UDP 192.0.2.9:5060;branch=" + std::string(branch));
    r.add_header(HeaderId::max_forwards, "70");
    r.add_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>");
    r.add_header(HeaderId::from,
                 "Alice <sip:alice@atlanta.example.com>;tag=" + std::string(from_tag));
    r.add_header(HeaderId::call_id, call_id);
    r.add_header(HeaderId::cseq, std::to_string(cseq) + " " + std::string(to_string(method)));
    return r;
}

}  // namespace voip::sip::test
