#pragma once
/// @file
/// What the transaction layer needs from the transports below it (RFC 3261 §18). The transport
/// module implements it over UDP/TCP/TLS; tests use a fake.

#include <voip/sip/message.hpp>
#include <voip/sip/transport_address.hpp>

#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace voip::sip {

/// A message as it went on the wire: its bytes (shared with the transport's send, never
/// copied) and where they went. A server transaction keeps this, not the Response, to
/// retransmit its last response (RFC 3261 §17.2.1 / §17.2.2).
struct SentBytes {
    std::shared_ptr<const std::string> bytes;
    TransportAddress to;
};

/// Sends SIP messages to a transport address.
///
/// Threading: called only from the executor (io_context thread or strand) that owns the
/// TransactionLayer.
class MessageChannel {
public:
    /// Called at most once, and only when sending failed (connection refused, ICMP
    /// unreachable, TLS handshake failure, ...). Never called from inside send().
    using ErrorHandler = std::function<void(std::error_code)>;

    virtual ~MessageChannel() = default;

    /// Queue @p message for @p to. For responses, @p to is the address the request came from
    /// (for stream transports: its connection); the channel applies RFC 3261 §18.2.2 / RFC
    /// 3581 (received/rport, maddr) if it routes responses by their Via instead.
    virtual void send(const Message& message, const TransportAddress& to,
                      ErrorHandler on_error) = 0;

    /// send(), returning the serialized bytes and the destination used (for a response, the
    /// one §18.2.2 chose), for resend(). The default serializes a second time and calls send();
    /// the TransportLayer shares the bytes it sends.
    virtual SentBytes send_kept(const Message& message, const TransportAddress& to,
                                ErrorHandler on_error);

    /// Send again what send_kept() returned (a retransmission: no serialization, no copy).
    /// The default parses the bytes back and calls send() (simple channels, test doubles).
    virtual void resend(const SentBytes& sent, ErrorHandler on_error);

    /// RFC 3261 §18.1.1: the `sent-by` (host[:port]) for a Via of a request sent to @p to,
    /// e.g. "192.0.2.4:5060" or "[2001:db8::9]:5060". Used when the transaction layer adds
    /// the top Via itself.
    [[nodiscard]] virtual std::string sent_by(const TransportAddress& to) const = 0;

    /// True when @p kind is a reliable transport (no retransmissions, timers D/I/J/K zero).
    [[nodiscard]] virtual bool is_reliable(TransportKind kind) const noexcept {
        return sip::is_reliable(kind);
    }

protected:
    MessageChannel() = default;
    MessageChannel(const MessageChannel&) = default;
    MessageChannel& operator=(const MessageChannel&) = default;
};

}  // namespace voip::sip
