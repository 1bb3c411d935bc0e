#pragma once
/// @file
/// SIP over UDP, TCP and TLS, IPv4 and IPv6, on standalone Asio (RFC 3261 §18, RFC 5626
/// keep-alives, RFC 3581 rport). Implements the MessageChannel the transaction layer sends
/// through, and hands every received message up, parsed, with where it came from.
///
/// @code
///   sip::TransportLayer transports{io.get_executor(), config};
///   auto udp = transports.listen("udp:0.0.0.0:5060").value();
///   auto tls = transports.listen("tls:[::]:5061").value();
///   sip::TransactionLayer transactions{io.get_executor(), transports};
///   transports.on_message([&](sip::ReceivedMessage& in) {
///       (void)transactions.receive(in.message, in.source);
///   });
/// @endcode
///
/// Threading: every member is called from the executor given at construction (one
/// io_context thread or a strand); handlers run there too.

#include <voip/result.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/message_channel.hpp>
#include <voip/sip/transport.hpp>
#include <voip/sip/transport_address.hpp>
#include <voip/sip/transport_error.hpp>
#include <voip/sip/uri.hpp>

#include <asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace voip::sip {

namespace detail {
class TransportState;
}

/// Owns the sockets: UDP sockets, TCP/TLS listeners and connections (flows).
class TransportLayer final : public MessageChannel {
public:
    /// Every received, parsed message. The handler may move the message out.
    using MessageHandler = std::function<void(ReceivedMessage&)>;
    /// Request-like bytes that failed to parse (the UA may answer 400).
    using BadMessageHandler = std::function<void(const BadMessage&)>;
    /// A TCP/TLS connection closed (by the peer, an error, a limit, or close_flow()).
    using FlowClosedHandler =
        std::function<void(FlowId, const TransportAddress& remote, std::error_code reason)>;
    /// connect() finished: the flow id, or why it failed.
    using ConnectHandler = std::function<void(std::error_code, FlowId)>;
    /// send_keepalive() finished: success when the pong came, keepalive_timeout otherwise.
    using KeepaliveHandler = std::function<void(std::error_code)>;

    /// Throws std::system_error when the TLS client context cannot be set up (e.g. an
    /// unreadable ca_file): a configuration error.
    explicit TransportLayer(asio::any_io_executor executor, TransportConfig config = {});
    /// Closes every socket. No handler is called afterwards.
    ~TransportLayer() override;
    TransportLayer(const TransportLayer&) = delete;
    TransportLayer& operator=(const TransportLayer&) = delete;

    /// Bind a UDP socket or a TCP/TLS listener on @p local (port 0: an ephemeral port).
    /// Returns the bound address (with the real port). A TLS listener needs
    /// TlsConfig::certificate_file and private_key_file. Errors: the socket's error code,
    /// TransportError::tls_not_configured, bad_local_address.
    Result<TransportAddress> listen(const TransportAddress& local);
    /// Same, from the text form: `udp:127.0.0.1:5060`, `tcp:[::1]:0`, `tls:0.0.0.0:5061`.
    Result<TransportAddress> listen(std::string_view local);
    /// Bound addresses of the UDP sockets and listeners, in listen() order.
    [[nodiscard]] std::vector<TransportAddress> local_addresses() const;

    void on_message(MessageHandler handler);
    void on_bad_message(BadMessageHandler handler);
    void on_flow_closed(FlowClosedHandler handler);

    // ---- MessageChannel ----
    /// Send @p message to @p to. Requests over UDP larger than udp_size_threshold go over TCP
    /// (top Via rewritten) when a TCP listener of that address family exists, falling back to
    /// UDP if the connection fails (§18.1.1). Responses follow §18.2.2: reliable → the
    /// connection to @p to (or, if it is gone, a new one to the Via sent-by); UDP → Via
    /// received/rport/sent-by. TCP/TLS connections are opened on demand and reused.
    void send(const Message& message, const TransportAddress& to, ErrorHandler on_error) override;
    /// send(), sharing the serialized bytes (null when nothing was sent: shut down, too large)
    /// and the destination chosen (§18.2.2 for a response; the TCP destination of a request
    /// moved to TCP).
    SentBytes send_kept(const Message& message, const TransportAddress& to,
                        ErrorHandler on_error) override;
    /// Sends the same bytes to the same destination (UDP datagram or stream connection).
    void resend(const SentBytes& sent, ErrorHandler on_error) override;
    /// Via sent-by for a request to @p to: the listening address of that transport kind and
    /// family (a wildcard bind is replaced by the source address the OS would pick for @p to).
    [[nodiscard]] std::string sent_by(const TransportAddress& to) const override;

    /// Send on one connection (RFC 5626 flow). Errors (via on_error): unknown_flow.
    void send(const Message& message, FlowId flow, ErrorHandler on_error);
    /// Open (or reuse) a TCP/TLS connection to @p to. For TLS, @p server_name is sent as SNI
    /// and the certificate must match it (empty: match the IP address); it is also used by
    /// later on-demand connections to @p to.
    void connect(const TransportAddress& to, std::string server_name, ConnectHandler handler);
    /// The host name a TLS connection to @p to must present a certificate for (and sends as
    /// SNI). Without one, the certificate must name the IP address.
    void set_server_name(const TransportAddress& to, std::string server_name);
    /// resolve_target(@p uri) (transport_routing.hpp); for TLS targets whose host is a name,
    /// also set_server_name(result, host), so the certificate is checked against the URI host.
    [[nodiscard]] Result<TransportAddress> resolve(const Uri& uri);
    /// RFC 5626 §4.4.1: send a CRLFCRLF ping on @p flow; @p handler gets success on the CRLF
    /// pong, TransportError::keepalive_timeout after @p timeout, or the flow's close reason.
    void send_keepalive(FlowId flow, std::chrono::milliseconds timeout, KeepaliveHandler handler);
    /// Close a connection now (pending sends fail with connection_closed).
    void close_flow(FlowId flow);

    /// The open (or opening) connection to @p remote, if any.
    [[nodiscard]] std::optional<FlowId> flow_to(const TransportAddress& remote) const;
    /// The peer of a connection.
    [[nodiscard]] std::optional<TransportAddress> flow_remote(FlowId flow) const;
    /// Open (or opening) TCP/TLS connections.
    [[nodiscard]] std::size_t connection_count() const noexcept;
    [[nodiscard]] const TransportConfig& config() const noexcept;

private:
    std::shared_ptr<detail::TransportState> state_;
};

}  // namespace voip::sip
