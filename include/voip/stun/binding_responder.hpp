#pragma once
/// @file
/// A tiny STUN server answering Binding requests on a caller's UDP socket (RFC 5389 §7.3),
/// meant for tests and local setups, not as a public STUN service.

#include <voip/result.hpp>
#include <voip/stun/message.hpp>

#include <asio/ip/udp.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace voip::stun {

/// Answers Binding requests received on a socket with the sender's address.
class BindingResponder {
public:
    struct Options {
        bool xor_mapped_address = true;  ///< include XOR-MAPPED-ADDRESS
        bool mapped_address = false;     ///< include MAPPED-ADDRESS (RFC 3489 style)
        unsigned drop_first = 0;         ///< ignore the first N requests (retransmission tests)
        int error_code = 0;              ///< nonzero: answer every request with this error
        std::string software = "libvoip";
        /// Report this address instead of the request's source (tests simulating a NAT: it is
        /// only a value in the response, nothing is sent there).
        std::optional<asio::ip::udp::endpoint> reported_address;
    };

    /// Builds the answer to one datagram into @p out. Returns the response size, or 0 when
    /// the datagram gets no answer (not a request, or a request of another method).
    /// A request with unknown comprehension-required attributes gets a 420 error response
    /// listing them (RFC 5389 §7.3.1). Errors: the parse error of a non-STUN datagram,
    /// buffer_too_small.
    [[nodiscard]] static Result<std::size_t> make_response(std::span<const std::uint8_t> request,
                                                           const asio::ip::udp::endpoint& from,
                                                           std::span<std::uint8_t> out,
                                                           const Options& options);

    /// @p socket must be open and bound, and outlive the responder's receive loop.
    explicit BindingResponder(asio::ip::udp::socket& socket)
        : BindingResponder(socket, Options{}) {}
    BindingResponder(asio::ip::udp::socket& socket, Options options);
    /// Stops the receive loop (pending receive is cancelled).
    ~BindingResponder();
    BindingResponder(const BindingResponder&) = delete;
    BindingResponder& operator=(const BindingResponder&) = delete;
    BindingResponder(BindingResponder&&) = delete;
    BindingResponder& operator=(BindingResponder&&) = delete;

    /// Starts receiving and answering on the socket's executor.
    void start();
    /// Stops answering and cancels the pending receive.
    void stop();

    /// Binding requests seen (dropped ones included).
    [[nodiscard]] std::size_t requests_received() const noexcept;
    /// Responses sent.
    [[nodiscard]] std::size_t responses_sent() const noexcept;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace voip::stun
