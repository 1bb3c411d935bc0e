#pragma once
// Internals of TransportLayer: the shared state every asynchronous handler keeps alive, the UDP
// sockets, listeners and stream connections. Single-threaded: everything runs on executor.

#include <voip/sip/framing.hpp>
#include <voip/sip/transport.hpp>
#include <voip/sip/transport_layer.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace voip::sip::detail {

class TransportState;
using Clock = std::chrono::steady_clock;
using ErrorHandler = MessageChannel::ErrorHandler;

// True when bytes that failed to parse still look like a request a UAS could answer: a
// request line and the headers a response copies (RFC 3261 §8.2.6.2: Via, From, To, Call-ID,
// CSeq).
[[nodiscard]] bool answerable_request(std::string_view bytes);

// TLS helpers (tls_context.cpp).
[[nodiscard]] Result<std::unique_ptr<asio::ssl::context>> make_tls_client_context(
    const TlsConfig& config);
[[nodiscard]] Result<std::unique_ptr<asio::ssl::context>> make_tls_server_context(
    const TlsConfig& config);
// SNI and host-name (or IP) verification for a client connection.
void prepare_tls_client(SSL* ssl, const std::string& server_name, const asio::ip::address& ip,
                        bool verify);
// A handshake failure as a clear TransportError (untrusted, host mismatch, other); logs the
// OpenSSL detail.
[[nodiscard]] std::error_code classify_tls_failure(SSL* ssl, std::error_code ec);

// One UDP socket bound to a local address.
struct UdpSocket {
    explicit UdpSocket(const asio::any_io_executor& executor) : socket(executor) {}
    asio::ip::udp::socket socket;
    TransportAddress local;
    std::vector<char> buffer = std::vector<char>(65536);
    asio::ip::udp::endpoint sender;
};

// One TCP or TLS listening socket.
struct Listener {
    explicit Listener(const asio::any_io_executor& executor) : acceptor(executor) {}
    asio::ip::tcp::acceptor acceptor;
    TransportAddress local;
};

// One TCP or TLS connection: an RFC 5626 flow.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Socket = asio::ip::tcp::socket;
    using TlsStream = asio::ssl::stream<Socket>;

    Connection(std::shared_ptr<TransportState> state, FlowId id, TransportKind kind, Socket socket,
               bool inbound);

    // Outbound: connect, then (TLS) handshake as a client checking @p server_name.
    void start_connect(const std::string& server_name);
    // Inbound: (TLS) handshake as a server, then read.
    void start_accepted();

    void send(std::shared_ptr<const std::string> bytes, ErrorHandler on_error);
    void keepalive(std::chrono::milliseconds timeout, TransportLayer::KeepaliveHandler handler);
    void add_connect_waiter(TransportLayer::ConnectHandler handler);
    void close(std::error_code reason);

    // Closable to make room: connected, nothing queued, no partial message.
    [[nodiscard]] bool idle() const noexcept {
        return ready_ && !closed_ && queue_.empty() && framer_.buffered() == 0;
    }
    [[nodiscard]] bool closed() const noexcept { return closed_; }
    [[nodiscard]] Clock::time_point last_activity() const noexcept { return last_activity_; }

    const FlowId id;
    const TransportKind kind;
    TransportAddress remote;
    TransportAddress local;

private:
    struct Pending {
        std::shared_ptr<const std::string> bytes;
        ErrorHandler on_error;
    };
    struct KeepaliveWaiter {
        std::shared_ptr<asio::steady_timer> timer;
        TransportLayer::KeepaliveHandler handler;
    };

    template <class F>
    void with_stream(F&& f) {
        if (tls_) {
            f(*tls_);
        } else {
            f(*tcp_);
        }
    }
    Socket& socket() { return tls_ ? tls_->next_layer() : *tcp_; }

    void handshake(bool client);
    void on_ready();
    void post_connected(TransportLayer::ConnectHandler handler, std::error_code ec);
    void read();
    void on_read(std::error_code ec, std::size_t n);
    void handle_frames();
    void write_next();
    void on_write(std::error_code ec);
    void touch() { last_activity_ = Clock::now(); }
    void arm_timer(Clock::time_point when);
    void on_timer();

    std::shared_ptr<TransportState> state_;
    std::optional<Socket> tcp_;
    std::unique_ptr<TlsStream> tls_;
    asio::steady_timer timer_;
    StreamFramer framer_;
    std::array<char, 16384> read_buffer_{};
    std::deque<Pending> queue_;
    std::size_t queued_bytes_ = 0;
    std::vector<KeepaliveWaiter> keepalives_;
    std::vector<TransportLayer::ConnectHandler> connect_waiters_;
    Clock::time_point last_activity_ = Clock::now();
    std::optional<Clock::time_point> partial_since_;
    bool ready_ = false;
    bool writing_ = false;
    bool closed_ = false;
};

class TransportState : public std::enable_shared_from_this<TransportState> {
public:
    TransportState(asio::any_io_executor executor, TransportConfig config);

    // Run @p handler(ec) later on the executor (never inside the caller's stack).
    void post_error(ErrorHandler handler, std::error_code ec);

    Result<TransportAddress> listen(const TransportAddress& local);
    // Returns the bytes sent (null when nothing was) and the destination used.
    SentBytes send(const Message& message, const TransportAddress& to, ErrorHandler on_error);
    void resend(const SentBytes& sent, ErrorHandler on_error);
    void send_udp(const TransportAddress& to, std::shared_ptr<const std::string> bytes,
                  ErrorHandler on_error);
    void send_stream(const TransportAddress& to, std::shared_ptr<const std::string> bytes,
                     ErrorHandler on_error);
    // The connection to @p to, opened if needed; null (and @p ec set) when impossible.
    std::shared_ptr<Connection> connection_to(const TransportAddress& to, std::error_code& ec);
    // The TLS client context, built on first use (an error when the configuration is bad).
    std::error_code ensure_tls_client();
    [[nodiscard]] std::string sent_by(const TransportAddress& to) const;
    [[nodiscard]] const Listener* stream_listener(TransportKind kind, bool v6) const;
    [[nodiscard]] std::optional<asio::ip::address> source_address_for(
        const asio::ip::address& to) const;

    // Receiving.
    void start_udp_receive(UdpSocket& udp);
    void on_udp_datagram(UdpSocket& udp, std::size_t n);
    void start_accept(Listener& listener);
    void deliver(AnyMessage message, const TransportAddress& source, const TransportAddress& local,
                 FlowId flow);
    void report_bad(std::error_code ec, std::string bytes, const TransportAddress& source,
                    const TransportAddress& local, FlowId flow);

    // Connections.
    // Close the oldest idle connection if the limit is reached; false when nothing can go.
    bool make_room();
    void register_connection(const std::shared_ptr<Connection>& connection);
    void connection_closed(Connection& connection, std::error_code reason);
    std::shared_ptr<Connection> find(FlowId flow) const;

    void shutdown();

    asio::any_io_executor executor;
    TransportConfig config;
    std::unique_ptr<asio::ssl::context> tls_client;
    std::unique_ptr<asio::ssl::context> tls_server;
    std::vector<std::unique_ptr<UdpSocket>> udp;
    std::vector<std::unique_ptr<Listener>> listeners;
    std::vector<TransportAddress> locals;  // listen() order
    std::unordered_map<FlowId, std::shared_ptr<Connection>> flows;
    std::unordered_map<TransportAddress, FlowId> by_remote;
    std::unordered_map<TransportAddress, std::string> server_names;
    FlowId next_flow = 1;
    bool shut_down = false;
    TransportLayer::MessageHandler on_message;
    TransportLayer::BadMessageHandler on_bad_message;
    TransportLayer::FlowClosedHandler on_flow_closed;
};

}  // namespace voip::sip::detail
