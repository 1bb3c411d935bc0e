#pragma once
/// @file
/// A STUN Binding client (RFC 5389 §7) that learns the public address of a UDP socket it does
/// not own. It sends requests on the caller's socket and retransmits them (§7.2.1); the caller
/// feeds it the STUN datagrams received on that socket (the media multiplexer demultiplexes
/// them by first byte, RFC 7983). The result is delivered through an Asio completion token,
/// so callbacks, `asio::use_awaitable` and `asio::use_future` all work.
///
/// @code
///   voip::stun::BindingClient stun{socket, server};
///   // ... every STUN datagram received on `socket`: stun.handle_datagram(bytes);
///   auto public_ep = co_await stun.async_resolve_public_address(asio::use_awaitable);
/// @endcode
/// For media, rtp::Session::async_discover_public_address does this on the RTP socket.
/// Single-threaded: use the client, its socket and the completion from one io_context thread
/// (or strand).

#include <voip/stun/error.hpp>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>

namespace voip::stun {

/// Retransmission parameters (RFC 5389 §7.2.1); the defaults are the RFC's.
struct BindingOptions {
    std::chrono::milliseconds rto{500};  ///< first retransmission timeout, doubled each time
    unsigned max_transmissions = 7;      ///< Rc: requests sent in total
    unsigned last_wait_factor = 16;      ///< Rm: wait Rm × rto after the last request
    std::string software;                ///< SOFTWARE attribute; empty = none
};

namespace detail {

// A type-erased, move-only completion handler for void(std::error_code, udp::endpoint).
class BindingHandler {
public:
    virtual ~BindingHandler() = default;
    // Posts the completion to the handler's associated executor; call at most once.
    virtual void complete(std::error_code error, asio::ip::udp::endpoint endpoint) = 0;

protected:
    BindingHandler() = default;
    BindingHandler(const BindingHandler&) = default;
    BindingHandler& operator=(const BindingHandler&) = default;
};

template <class Handler, class IoExecutor>
class BindingHandlerImpl final : public BindingHandler {
public:
    BindingHandlerImpl(Handler handler, IoExecutor io)
        : handler_(std::move(handler)), io_(std::move(io)) {}
    void complete(std::error_code error, asio::ip::udp::endpoint endpoint) override {
        // Never invoke the handler from inside the initiating call or handle_datagram():
        // post it to the executor the handler asked for (the io executor by default).
        auto executor = asio::get_associated_executor(handler_, io_);
        asio::post(executor, [h = std::move(handler_), error, endpoint]() mutable {
            std::move(h)(error, endpoint);
        });
    }

private:
    Handler handler_;
    IoExecutor io_;
};

}  // namespace detail

/// Learns the public (server-reflexive) address of a UDP socket from a STUN server.
class BindingClient {
public:
    /// Completion signature of async_resolve_public_address.
    using Signature = void(std::error_code, asio::ip::udp::endpoint);

    /// @p socket must be open and outlive the client; @p server is the STUN server.
    BindingClient(asio::ip::udp::socket& socket, const asio::ip::udp::endpoint& server,
                  BindingOptions options = {});
    /// A pending operation completes with asio::error::operation_aborted.
    ~BindingClient();
    BindingClient(const BindingClient&) = delete;
    BindingClient& operator=(const BindingClient&) = delete;
    BindingClient(BindingClient&&) = delete;
    BindingClient& operator=(BindingClient&&) = delete;

    /// Sends a Binding request and completes with the XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS)
    /// of the response. Errors: stun::Error::timed_out, error_response (see
    /// last_error_code()), no_mapped_address, bad_address, unknown_comprehension_required,
    /// busy (one transaction at a time), a socket error, or asio::error::operation_aborted.
    template <class CompletionToken>
    auto async_resolve_public_address(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, Signature>(
            [this](auto handler) {
                using H = std::decay_t<decltype(handler)>;
                using E = asio::ip::udp::socket::executor_type;
                start(std::make_unique<detail::BindingHandlerImpl<H, E>>(std::move(handler),
                                                                         executor()));
            },
            token);
    }

    /// Feeds one received STUN datagram. Returns true if it was the response to the pending
    /// transaction (and completed it); anything else is ignored and returns false.
    bool handle_datagram(std::span<const std::uint8_t> datagram);

    /// Abandons the pending transaction: it completes with asio::error::operation_aborted.
    void cancel();

    /// Requests sent in the current or last transaction.
    [[nodiscard]] unsigned transmissions() const noexcept;
    /// The ERROR-CODE value of the last error response, if one was received.
    [[nodiscard]] std::optional<int> last_error_code() const noexcept;

private:
    struct State;
    [[nodiscard]] asio::ip::udp::socket::executor_type executor() const;
    void start(std::unique_ptr<detail::BindingHandler> handler);

    std::shared_ptr<State> state_;
};

}  // namespace voip::stun
