#include <voip/log.hpp>
#include <voip/stun/binding_client.hpp>
#include <voip/stun/message.hpp>

#include <asio/steady_timer.hpp>

#include <array>
#include <random>

namespace voip::stun {

struct BindingClient::State : std::enable_shared_from_this<State> {
    State(asio::ip::udp::socket& s, asio::ip::udp::endpoint srv, BindingOptions opts)
        : socket(s), server(std::move(srv)), options(std::move(opts)), timer(s.get_executor()) {}

    void finish(std::error_code error, const asio::ip::udp::endpoint& endpoint = {}) {
        timer.cancel();
        if (auto h = std::move(handler)) h->complete(error, endpoint);
    }

    void transmit() {
        std::error_code ec;
        socket.send_to(asio::buffer(request.data(), request_size), server, 0, ec);
        ++sent;
        if (ec) {
            log::warning("stun", "sending Binding request to {}:{} failed: {}",
                         server.address().to_string(), server.port(), ec.message());
            finish(ec);
            return;
        }
        arm();
    }

    // RFC 5389 §7.2.1: wait RTO, doubling after each retransmission, until Rc requests have
    // been sent; after the last one wait Rm × RTO before declaring the transaction failed.
    void arm() {
        const bool last = sent >= options.max_transmissions;
        timer.expires_after(last ? options.rto * options.last_wait_factor : wait);
        if (!last) wait *= 2;
        timer.async_wait([weak = weak_from_this()](std::error_code ec) {
            auto self = weak.lock();
            if (!self || ec || !self->handler) return;
            if (self->sent >= self->options.max_transmissions) {
                self->finish(Error::timed_out);
            } else {
                self->transmit();
            }
        });
    }

    asio::ip::udp::socket& socket;
    asio::ip::udp::endpoint server;
    BindingOptions options;
    asio::steady_timer timer;
    std::unique_ptr<detail::BindingHandler> handler;
    TransactionId id{};
    // Header + SOFTWARE (at most 763 bytes, padded) + FINGERPRINT.
    std::array<std::uint8_t, header_size + 4 + 764 + 8> request{};
    std::size_t request_size = 0;
    unsigned sent = 0;
    std::chrono::milliseconds wait{0};
    std::optional<int> last_error;
};

BindingClient::BindingClient(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& server,
                             BindingOptions options)
    : state_(std::make_shared<State>(socket, server, std::move(options))) {}

BindingClient::~BindingClient() {
    try {
        state_->finish(asio::error::operation_aborted);
    } catch (...) {  // NOLINT(bugprone-empty-catch)
        // Posting the completion can only fail to allocate; a destructor must not throw, and
        // the handler is then destroyed without being called.
    }
}

asio::ip::udp::socket::executor_type BindingClient::executor() const {
    return state_->socket.get_executor();
}

void BindingClient::start(std::unique_ptr<detail::BindingHandler> handler) {
    State& s = *state_;
    if (s.handler) {
        handler->complete(Error::busy, {});
        return;
    }
    // RFC 5389 §6: the transaction ID should be cryptographically random. std::random_device
    // reads the kernel CSPRNG (getrandom / /dev/urandom) with libstdc++ on Linux.
    std::random_device random;
    for (std::size_t i = 0; i < s.id.size(); i += 4) {
        const std::uint32_t r = random();
        for (std::size_t k = 0; k < 4; ++k)
            s.id[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    MessageBuilder builder{s.request, Method::binding, Class::request, s.id};
    if (!s.options.software.empty()) {
        if (auto added = builder.add_software(s.options.software); !added) {
            handler->complete(added.error(), {});
            return;
        }
    }
    auto size = builder.finish(true);
    if (!size || s.options.max_transmissions == 0) {
        handler->complete(size ? std::error_code{Error::value_out_of_range} : size.error(), {});
        return;
    }
    s.request_size = *size;
    s.handler = std::move(handler);
    s.sent = 0;
    s.wait = s.options.rto;
    s.last_error.reset();
    s.transmit();
}

bool BindingClient::handle_datagram(std::span<const std::uint8_t> datagram) {
    State& s = *state_;
    if (!s.handler) return false;
    auto message = MessageView::parse(datagram);
    if (!message || message->transaction_id() != s.id ||
        message->method() != static_cast<std::uint16_t>(Method::binding)) {
        return false;
    }
    switch (message->message_class()) {
        case Class::success_response: {
            // RFC 5389 §7.3.3: unknown comprehension-required attributes fail the transaction.
            std::array<std::uint16_t, 1> unknown{};
            if (message->unknown_comprehension_required(unknown) != 0) {
                s.finish(Error::unknown_comprehension_required);
                return true;
            }
            auto endpoint = message->xor_mapped_address();
            // RFC 5389 §15.1: MAPPED-ADDRESS only for servers from before XOR-MAPPED-ADDRESS.
            if (!endpoint && endpoint.error() == Error::no_mapped_address) {
                endpoint = message->mapped_address();
            }
            if (endpoint) {
                s.finish({}, *endpoint);
            } else {
                s.finish(endpoint.error());
            }
            return true;
        }
        case Class::error_response: {
            if (auto code = message->error_code()) s.last_error = code->code;
            s.finish(Error::error_response);
            return true;
        }
        case Class::request:
        case Class::indication:
            break;
    }
    return false;
}

void BindingClient::cancel() {
    state_->finish(asio::error::operation_aborted);
}

unsigned BindingClient::transmissions() const noexcept {
    return state_->sent;
}

std::optional<int> BindingClient::last_error_code() const noexcept {
    return state_->last_error;
}

}  // namespace voip::stun
