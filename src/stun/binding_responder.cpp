#include <voip/log.hpp>
#include <voip/stun/binding_responder.hpp>

#include <algorithm>
#include <array>

namespace voip::stun {

Result<std::size_t> BindingResponder::make_response(std::span<const std::uint8_t> request,
                                                    const asio::ip::udp::endpoint& from,
                                                    std::span<std::uint8_t> out,
                                                    const Options& options) {
    auto message = MessageView::parse(request);
    if (!message) return message.error();
    if (message->message_class() != Class::request ||
        message->method() != static_cast<std::uint16_t>(Method::binding)) {
        return std::size_t{0};
    }
    const auto id = message->transaction_id();
    // RFC 5389 §7.3.1: unknown comprehension-required attributes → 420 listing them.
    std::array<std::uint16_t, 16> unknown{};
    const std::size_t unknown_count = message->unknown_comprehension_required(unknown);
    const bool failing = unknown_count != 0 || options.error_code != 0;
    MessageBuilder builder{out, Method::binding,
                           failing ? Class::error_response : Class::success_response, id};
    if (unknown_count != 0) {
        if (auto r = builder.add_error_code(420, "Unknown Attribute"); !r) return r.error();
        const std::size_t listed = std::min(unknown_count, unknown.size());
        if (auto r = builder.add_unknown_attributes(std::span(unknown.data(), listed)); !r) {
            return r.error();
        }
    } else if (options.error_code != 0) {
        if (auto r = builder.add_error_code(options.error_code, "Test Error"); !r) {
            return r.error();
        }
    } else {
        const asio::ip::udp::endpoint& mapped = options.reported_address.value_or(from);
        if (options.xor_mapped_address) {
            if (auto r = builder.add_xor_mapped_address(mapped); !r) return r.error();
        }
        if (options.mapped_address) {
            if (auto r = builder.add_mapped_address(mapped); !r) return r.error();
        }
    }
    if (!options.software.empty()) {
        if (auto r = builder.add_software(options.software); !r) return r.error();
    }
    return builder.finish(true);
}

struct BindingResponder::State : std::enable_shared_from_this<State> {
    State(asio::ip::udp::socket& s, Options o) : socket(s), options(std::move(o)) {}

    void receive() {
        socket.async_receive_from(asio::buffer(in), from,
                                  [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                      if (self->stopped || ec == asio::error::operation_aborted)
                                          return;
                                      if (ec && ec != asio::error::connection_refused &&
                                          ec != asio::error::connection_reset) {
                                          log::warning("stun", "responder stops: {}", ec.message());
                                          return;
                                      }
                                      if (!ec) self->answer(n);
                                      self->receive();
                                  });
    }

    void answer(std::size_t n) {
        auto message = MessageView::parse(std::span(in.data(), n));
        if (!message || message->message_class() != Class::request) return;
        ++requests;
        if (requests <= options.drop_first) return;
        auto size = make_response(std::span(in.data(), n), from, out, options);
        if (!size || *size == 0) return;
        std::error_code ec;
        socket.send_to(asio::buffer(out.data(), *size), from, 0, ec);
        if (!ec) ++responses;
    }

    asio::ip::udp::socket& socket;
    Options options;
    asio::ip::udp::endpoint from;
    std::array<std::uint8_t, 2048> in{};
    std::array<std::uint8_t, 2048> out{};
    std::size_t requests = 0;
    std::size_t responses = 0;
    bool stopped = true;
};

BindingResponder::BindingResponder(asio::ip::udp::socket& socket, Options options)
    : state_(std::make_shared<State>(socket, std::move(options))) {}

BindingResponder::~BindingResponder() {
    stop();
}

void BindingResponder::start() {
    if (!state_->stopped) return;  // already receiving
    state_->stopped = false;
    state_->receive();
}

void BindingResponder::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    std::error_code ec;
    state_->socket.cancel(ec);
}

std::size_t BindingResponder::requests_received() const noexcept {
    return state_->requests;
}

std::size_t BindingResponder::responses_sent() const noexcept {
    return state_->responses;
}

}  // namespace voip::stun
