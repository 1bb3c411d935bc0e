// TransportLayer: listeners, the connection table and send routing (RFC 3261 §18.1.1 size
// switch, §18.2.2 response routing, connection reuse).

#include <voip/log.hpp>
#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_layer.hpp>
#include <voip/sip/transport_routing.hpp>

#include <asio/detail/socket_option.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <limits>

#include "sip/log_redaction.hpp"
#include "sip/transport_state.hpp"

namespace voip::sip {
namespace detail {
namespace {

constexpr std::string_view component = "sip.transport";

// SO_REUSEPORT (Linux 3.9+, the BSDs): not in Asio's option set.
template <class Socket>
void set_reuse_port(Socket& socket, std::error_code& ec) {
    const asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT> option(true);
    socket.set_option(option, ec);
}

// SO_RCVBUF / SO_SNDBUF. A refused or capped size is not fatal: the socket still works, with
// less room for bursts, so it is logged rather than failing listen().
void set_udp_buffers(asio::ip::udp::socket& socket, const TransportConfig& config) {
    std::error_code ec;
    if (config.udp_receive_buffer_bytes > 0) {
        const auto wanted = static_cast<int>(std::min<std::size_t>(
            config.udp_receive_buffer_bytes, std::numeric_limits<int>::max()));
        socket.set_option(asio::socket_base::receive_buffer_size(wanted), ec);
        asio::socket_base::receive_buffer_size got;
        if (!ec) socket.get_option(got, ec);
        // Linux reports twice the size it grants (the bookkeeping overhead, socket(7)).
        if (ec || got.value() < wanted) {
            log::warning(component,
                         "UDP receive buffer: asked {} bytes, got {} ({}); raise "
                         "net.core.rmem_max",
                         wanted, ec ? 0 : got.value() / 2, ec ? ec.message() : "capped");
        }
    }
    if (config.udp_send_buffer_bytes > 0) {
        socket.set_option(
            asio::socket_base::send_buffer_size(static_cast<int>(std::min<std::size_t>(
                config.udp_send_buffer_bytes, std::numeric_limits<int>::max()))),
            ec);
        if (ec) log::warning(component, "UDP send buffer: {}", ec.message());
    }
}

// Every message sent and received, whole, at trace level under "sip.wire" ("send <address>"
// or "recv <address>", a newline, the message): what `voip -v` prints. Serialising costs
// nothing unless trace logging is on.
void trace_message(std::string_view direction, const TransportAddress& peer,
                   std::string_view bytes) {
    if (!log::enabled(log::Level::trace)) return;
    // Issue 11: credentials and SDES keys never reach a log, at any level.
    log::trace("sip.wire", "{} {}\n{}", direction, peer.to_string(), redact_for_log(bytes));
}

}  // namespace

TransportState::TransportState(asio::any_io_executor ex, TransportConfig cfg)
    : executor(std::move(ex)), config(std::move(cfg)) {}

void TransportState::post_error(ErrorHandler handler, std::error_code ec) {
    if (!handler) return;
    asio::post(executor, [self = shared_from_this(), h = std::move(handler), ec] {
        if (!self->shut_down) h(ec);
    });
}

Result<TransportAddress> TransportState::listen(const TransportAddress& requested) {
    if (shut_down) return TransportError::shut_down;
    std::error_code ec;
    TransportAddress bound = requested;
    if (requested.kind == TransportKind::udp) {
        auto socket = std::make_unique<UdpSocket>(executor);
        const asio::ip::udp::endpoint endpoint(requested.address, requested.port);
        socket->socket.open(endpoint.protocol(), ec);
        if (!ec && endpoint.address().is_v6())
            socket->socket.set_option(asio::ip::v6_only(true), ec);
        if (!ec) set_udp_buffers(socket->socket, config);
        if (!ec && config.reuse_port) set_reuse_port(socket->socket, ec);
        if (!ec) socket->socket.bind(endpoint, ec);
        if (ec) return ec;
        bound.port = socket->socket.local_endpoint(ec).port();
        if (ec) return ec;
        socket->local = bound;
        udp.push_back(std::move(socket));
        start_udp_receive(*udp.back());
    } else {
        if (requested.kind == TransportKind::tls && !tls_server) {
            auto ctx = make_tls_server_context(config.tls);
            if (!ctx) return ctx.error();
            tls_server = std::move(*ctx);
        }
        auto listener = std::make_unique<Listener>(executor);
        const asio::ip::tcp::endpoint endpoint(requested.address, requested.port);
        auto& acceptor = listener->acceptor;
        acceptor.open(endpoint.protocol(), ec);
        if (!ec && endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec && config.reuse_port) set_reuse_port(acceptor, ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return ec;
        bound.port = acceptor.local_endpoint(ec).port();
        if (ec) return ec;
        listener->local = bound;
        listeners.push_back(std::move(listener));
        start_accept(*listeners.back());
    }
    locals.push_back(bound);
    log::info(component, "listening on {}", bound.to_string());
    return bound;
}

void TransportState::start_accept(Listener& listener) {
    listener.acceptor.async_accept([self = shared_from_this(), l = &listener](
                                       std::error_code ec, asio::ip::tcp::socket socket) {
        if (self->shut_down || ec == asio::error::operation_aborted) return;
        if (ec) {
            // E.g. out of file descriptors: try again a little later rather than spin.
            log::warning(component, "accept on {}: {}", l->local.to_string(), ec.message());
            auto timer = std::make_shared<asio::steady_timer>(self->executor,
                                                              std::chrono::milliseconds(100));
            timer->async_wait([self, l, timer](std::error_code) {
                if (!self->shut_down) self->start_accept(*l);
            });
            return;
        }
        std::error_code remote_ec;
        const auto peer = socket.remote_endpoint(remote_ec);
        if (remote_ec) {
            // Reset before we looked at it.
        } else if (!self->make_room()) {
            log::warning(component, "refusing connection from {}: {} connections open",
                         peer.address().to_string(), self->flows.size());
            socket.close(remote_ec);
        } else {
            auto connection = std::make_shared<Connection>(self, self->next_flow++, l->local.kind,
                                                           std::move(socket), true);
            connection->remote = TransportAddress{l->local.kind, peer.address(), peer.port()};
            self->register_connection(connection);
            connection->start_accepted();
        }
        self->start_accept(*l);
    });
}

bool TransportState::make_room() {
    if (flows.size() < config.max_connections) return true;
    std::shared_ptr<Connection> oldest;
    for (const auto& [id, connection] : flows) {
        if (connection->idle() &&
            (!oldest || connection->last_activity() < oldest->last_activity()))
            oldest = connection;
    }
    if (!oldest) return false;
    log::info(component, "connection limit: closing idle flow {} to {}", oldest->id,
              oldest->remote.to_string());
    oldest->close(TransportError::connection_limit);
    return flows.size() < config.max_connections;
}

void TransportState::register_connection(const std::shared_ptr<Connection>& connection) {
    flows[connection->id] = connection;
    by_remote[connection->remote] = connection->id;
}

void TransportState::connection_closed(Connection& connection, std::error_code reason) {
    auto keep = find(connection.id);
    flows.erase(connection.id);
    if (auto it = by_remote.find(connection.remote);
        it != by_remote.end() && it->second == connection.id)
        by_remote.erase(it);
    if (shut_down || !on_flow_closed) return;
    asio::post(executor, [self = shared_from_this(), flow = connection.id,
                          remote = connection.remote, reason] {
        if (!self->shut_down && self->on_flow_closed) self->on_flow_closed(flow, remote, reason);
    });
}

std::shared_ptr<Connection> TransportState::find(FlowId flow) const {
    auto it = flows.find(flow);
    return it == flows.end() ? nullptr : it->second;
}

std::error_code TransportState::ensure_tls_client() {
    if (tls_client) return {};
    auto ctx = make_tls_client_context(config.tls);
    if (!ctx) {
        log::warning(component, "TLS client context: {}", ctx.error().message());
        return ctx.error();
    }
    tls_client = std::move(*ctx);
    return {};
}

std::shared_ptr<Connection> TransportState::connection_to(const TransportAddress& to,
                                                          std::error_code& ec) {
    if (auto it = by_remote.find(to); it != by_remote.end()) {
        if (auto connection = find(it->second); connection && !connection->closed())
            return connection;
    }
    if (shut_down) {
        ec = TransportError::shut_down;
        return nullptr;
    }
    if (!make_room()) {
        ec = TransportError::connection_limit;
        return nullptr;
    }
    if (to.kind == TransportKind::tls) {
        if (auto tls_ec = ensure_tls_client()) {
            ec = tls_ec;
            return nullptr;
        }
    }
    auto connection = std::make_shared<Connection>(shared_from_this(), next_flow++, to.kind,
                                                   asio::ip::tcp::socket(executor), false);
    connection->remote = to;
    register_connection(connection);
    const auto name = server_names.find(to);
    connection->start_connect(name == server_names.end() ? std::string() : name->second);
    return connection;
}

void TransportState::send_stream(const TransportAddress& to,
                                 std::shared_ptr<const std::string> bytes, ErrorHandler on_error) {
    std::error_code ec;
    auto connection = connection_to(to, ec);
    if (!connection) {
        post_error(std::move(on_error), ec);
        return;
    }
    connection->send(std::move(bytes), std::move(on_error));
}

const Listener* TransportState::stream_listener(TransportKind kind, bool v6) const {
    for (const auto& listener : listeners) {
        if (listener->local.kind == kind && listener->local.address.is_v6() == v6)
            return listener.get();
    }
    return nullptr;
}

SentBytes TransportState::send(const Message& message, const TransportAddress& to,
                               ErrorHandler on_error) {
    if (shut_down) return {};
    auto bytes = std::make_shared<const std::string>(message.to_string());
    trace_message("send", to, *bytes);
    if (bytes->size() > config.limits.max_message_bytes) {
        post_error(std::move(on_error), TransportError::message_too_large);
        return {};
    }
    if (!message.is_request()) {
        const auto& response = static_cast<const Response&>(message);
        if (is_reliable(to.kind)) {
            TransportAddress dest = to;
            if (!by_remote.contains(to)) {
                // RFC 3261 §18.2.2: the connection is gone; open one to the Via's received
                // (or sent-by) address at the sent-by port.
                auto via = response.top_via();
                if (via) {
                    if (auto target = via_response_target(*via, false)) {
                        dest = *target;
                        dest.kind = to.kind;
                    }
                }
            }
            send_stream(dest, bytes, std::move(on_error));
            return {std::move(bytes), dest};
        }
        auto routed = response_destination(response, to);
        const TransportAddress dest = routed ? *routed : to;
        send_udp(dest, bytes, std::move(on_error));
        return {std::move(bytes), dest};
    }
    if (to.kind == TransportKind::udp && bytes->size() > config.udp_size_threshold &&
        stream_listener(TransportKind::tcp, to.address.is_v6()) != nullptr) {
        // RFC 3261 §18.1.1: too big for the path MTU: use TCP (and say so in the Via).
        Request copy = static_cast<const Request&>(message);
        const TransportAddress tcp_to{TransportKind::tcp, to.address, to.port};
        if (rewrite_top_via(copy, TransportKind::tcp, sent_by(tcp_to))) {
            auto tcp_bytes = std::make_shared<const std::string>(copy.to_string());
            // §18.1.1: when the TCP attempt fails (reset, refused), retry over UDP.
            auto fallback = [weak = weak_from_this(), to, bytes,
                             on_error = std::move(on_error)](std::error_code ec) mutable {
                auto self = weak.lock();
                if (!self || self->shut_down) return;
                log::debug(component, "TCP to {} failed ({}), retrying over UDP", to.to_string(),
                           ec.message());
                self->send_udp(to, std::move(bytes), std::move(on_error));
            };
            send_stream(tcp_to, tcp_bytes, std::move(fallback));
            return {std::move(tcp_bytes), tcp_to};
        }
    }
    if (to.kind == TransportKind::udp) {
        send_udp(to, bytes, std::move(on_error));
    } else {
        send_stream(to, bytes, std::move(on_error));
    }
    return {std::move(bytes), to};
}

void TransportState::resend(const SentBytes& sent, ErrorHandler on_error) {
    if (shut_down || !sent.bytes) return;
    trace_message("send", sent.to, *sent.bytes);
    if (sent.to.kind == TransportKind::udp) {
        send_udp(sent.to, sent.bytes, std::move(on_error));
    } else {
        send_stream(sent.to, sent.bytes, std::move(on_error));
    }
}

std::optional<asio::ip::address> TransportState::source_address_for(
    const asio::ip::address& to) const {
    // Connecting a UDP socket sends nothing; it only asks the routing table for a source.
    asio::ip::udp::socket probe(executor);
    std::error_code ec;
    probe.open(to.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
    if (!ec) probe.connect(asio::ip::udp::endpoint(to, 9), ec);
    if (ec) return std::nullopt;
    auto local = probe.local_endpoint(ec);
    if (ec) return std::nullopt;
    return local.address();
}

std::string TransportState::sent_by(const TransportAddress& to) const {
    for (const auto& local : locals) {
        if (local.kind != to.kind || local.address.is_v6() != to.address.is_v6()) continue;
        auto address = local.address;
        if (address.is_unspecified()) address = source_address_for(to.address).value_or(address);
        return format_sent_by(address, local.port);
    }
    // No listener of this kind: replies come back on the connection (or to port 5060).
    if (auto it = by_remote.find(to); it != by_remote.end()) {
        if (auto connection = find(it->second); connection && connection->local.port != 0)
            return format_sent_by(connection->local.address, std::nullopt);
    }
    auto address = source_address_for(to.address);
    if (!address) {
        address = to.address.is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                     : asio::ip::address(asio::ip::address_v4::loopback());
    }
    return format_sent_by(*address, std::nullopt);
}

void TransportState::deliver(AnyMessage message, const TransportAddress& source,
                             const TransportAddress& local, FlowId flow) {
    if (shut_down || !on_message) return;
    ReceivedMessage received{std::move(message), source, local, flow};
    if (auto* request = std::get_if<Request>(&received.message); request && config.stamp_received)
        (void)stamp_received(*request, source);  // parsed, so the Via is usable
    if (log::enabled(log::Level::trace)) {
        trace_message("recv", source,
                      std::visit([](const auto& m) { return m.to_string(); }, received.message));
    }
    auto keep = shared_from_this();
    auto handler = on_message;  // the handler may replace itself
    handler(received);
}

void TransportState::report_bad(std::error_code ec, std::string bytes,
                                const TransportAddress& source, const TransportAddress& local,
                                FlowId flow) {
    log::debug(component, "unparsable message from {}: {}", source.to_string(), ec.message());
    if (shut_down || !on_bad_message || !answerable_request(bytes)) return;
    auto keep = shared_from_this();
    auto handler = on_bad_message;
    handler(BadMessage{ec, std::move(bytes), source, local, flow});
}

void TransportState::shutdown() {
    if (shut_down) return;
    shut_down = true;
    on_message = nullptr;
    on_bad_message = nullptr;
    on_flow_closed = nullptr;
    std::error_code ignored;
    for (auto& socket : udp)
        socket->socket.close(ignored);
    for (auto& listener : listeners)
        listener->acceptor.close(ignored);
    auto open = flows;
    for (auto& [id, connection] : open)
        connection->close(TransportError::shut_down);
    flows.clear();
    by_remote.clear();
}

}  // namespace detail

TransportLayer::TransportLayer(asio::any_io_executor executor, TransportConfig config)
    : state_(std::make_shared<detail::TransportState>(std::move(executor), std::move(config))) {
    // The client context (OpenSSL's providers, the CA store) costs ~240 million instructions:
    // built when the first TLS connection is opened, unless a CA file is configured, whose
    // errors are setup errors reported here.
    if (!state_->config.tls.ca_file.empty()) {
        if (auto ec = state_->ensure_tls_client())
            throw std::system_error(ec, "TLS client context");
    }
}

TransportLayer::~TransportLayer() {
    state_->shutdown();
}

Result<TransportAddress> TransportLayer::listen(const TransportAddress& local) {
    return state_->listen(local);
}

Result<TransportAddress> TransportLayer::listen(std::string_view local) {
    auto address = TransportAddress::parse(local);
    if (!address) return TransportError::bad_local_address;
    return state_->listen(*address);
}

std::vector<TransportAddress> TransportLayer::local_addresses() const {
    return state_->locals;
}

void TransportLayer::on_message(MessageHandler handler) {
    state_->on_message = std::move(handler);
}

void TransportLayer::on_bad_message(BadMessageHandler handler) {
    state_->on_bad_message = std::move(handler);
}

void TransportLayer::on_flow_closed(FlowClosedHandler handler) {
    state_->on_flow_closed = std::move(handler);
}

void TransportLayer::send(const Message& message, const TransportAddress& to,
                          ErrorHandler on_error) {
    (void)state_->send(message, to, std::move(on_error));
}

SentBytes TransportLayer::send_kept(const Message& message, const TransportAddress& to,
                                    ErrorHandler on_error) {
    return state_->send(message, to, std::move(on_error));
}

void TransportLayer::resend(const SentBytes& sent, ErrorHandler on_error) {
    state_->resend(sent, std::move(on_error));
}

std::string TransportLayer::sent_by(const TransportAddress& to) const {
    return state_->sent_by(to);
}

void TransportLayer::send(const Message& message, FlowId flow, ErrorHandler on_error) {
    auto connection = state_->find(flow);
    if (!connection) {
        state_->post_error(std::move(on_error), TransportError::unknown_flow);
        return;
    }
    auto bytes = std::make_shared<const std::string>(message.to_string());
    detail::trace_message("send", connection->remote, *bytes);
    if (bytes->size() > state_->config.limits.max_message_bytes) {
        state_->post_error(std::move(on_error), TransportError::message_too_large);
        return;
    }
    connection->send(std::move(bytes), std::move(on_error));
}

void TransportLayer::connect(const TransportAddress& to, std::string server_name,
                             ConnectHandler handler) {
    if (to.kind == TransportKind::udp) {
        state_->post_error([h = std::move(handler)](std::error_code ec) { h(ec, 0); },
                           TransportError::unsupported_transport);
        return;
    }
    if (!server_name.empty()) state_->server_names[to] = std::move(server_name);
    std::error_code ec;
    auto connection = state_->connection_to(to, ec);
    if (!connection) {
        state_->post_error([h = std::move(handler)](std::error_code e) { h(e, 0); }, ec);
        return;
    }
    connection->add_connect_waiter(std::move(handler));
}

void TransportLayer::set_server_name(const TransportAddress& to, std::string server_name) {
    state_->server_names[to] = std::move(server_name);
}

Result<TransportAddress> TransportLayer::resolve(const Uri& uri) {
    auto target = uri_target(uri);
    if (!target) return target.error();
    auto address = resolve_target(uri);
    if (address && address->kind == TransportKind::tls && !parse_ip_host(target->host))
        set_server_name(*address, target->host);
    return address;
}

void TransportLayer::send_keepalive(FlowId flow, std::chrono::milliseconds timeout,
                                    KeepaliveHandler handler) {
    auto connection = state_->find(flow);
    if (!connection) {
        state_->post_error(std::move(handler), TransportError::unknown_flow);
        return;
    }
    connection->keepalive(timeout, std::move(handler));
}

void TransportLayer::close_flow(FlowId flow) {
    if (auto connection = state_->find(flow)) connection->close(TransportError::connection_closed);
}

std::optional<FlowId> TransportLayer::flow_to(const TransportAddress& remote) const {
    auto it = state_->by_remote.find(remote);
    if (it == state_->by_remote.end()) return std::nullopt;
    return it->second;
}

std::optional<TransportAddress> TransportLayer::flow_remote(FlowId flow) const {
    auto connection = state_->find(flow);
    if (!connection) return std::nullopt;
    return connection->remote;
}

std::size_t TransportLayer::connection_count() const noexcept {
    return state_->flows.size();
}

const TransportConfig& TransportLayer::config() const noexcept {
    return state_->config;
}

}  // namespace voip::sip
