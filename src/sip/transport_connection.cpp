// One TCP or TLS connection (an RFC 5626 flow): connect / handshake, stream framing (RFC 3261
// §18.3), keep-alives (RFC 5626 §4.4.1), a bounded write queue and the idle / partial-message
// timers that keep a misbehaving peer from holding resources.

#include <voip/log.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/transport_error.hpp>

#include <asio/post.hpp>
#include <asio/write.hpp>

#include "sip/transport_state.hpp"

namespace voip::sip::detail {
namespace {

constexpr std::string_view component = "sip.transport";

TransportAddress to_address(TransportKind kind, const asio::ip::tcp::endpoint& ep) {
    return TransportAddress{kind, ep.address(), ep.port()};
}

}  // namespace

Connection::Connection(std::shared_ptr<TransportState> state, FlowId flow_id,
                       TransportKind transport, Socket socket, bool inbound)
    : id(flow_id),
      kind(transport),
      state_(std::move(state)),
      timer_(state_->executor),
      framer_(state_->config.limits) {
    if (kind == TransportKind::tls) {
        auto& ctx = inbound ? *state_->tls_server : *state_->tls_client;
        tls_ = std::make_unique<TlsStream>(std::move(socket), ctx);
    } else {
        tcp_.emplace(std::move(socket));
    }
}

void Connection::start_connect(const std::string& server_name) {
    arm_timer(Clock::now() + state_->config.connect_timeout);
    const asio::ip::tcp::endpoint endpoint(remote.address, remote.port);
    socket().async_connect(endpoint, [self = shared_from_this(), server_name](std::error_code ec) {
        if (self->closed_) return;
        if (ec) {
            self->close(ec);
            return;
        }
        std::error_code local_ec;
        self->local = to_address(self->kind, self->socket().local_endpoint(local_ec));
        self->socket().set_option(asio::ip::tcp::no_delay(true), local_ec);
        if (self->tls_) {
            prepare_tls_client(self->tls_->native_handle(), server_name, self->remote.address,
                               self->state_->config.tls.verify_peer);
            self->handshake(true);
        } else {
            self->on_ready();
        }
    });
}

void Connection::start_accepted() {
    std::error_code ec;
    local = to_address(kind, socket().local_endpoint(ec));
    socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if (tls_) {
        arm_timer(Clock::now() + state_->config.connect_timeout);
        handshake(false);
    } else {
        on_ready();
    }
}

void Connection::handshake(bool client) {
    tls_->async_handshake(
        client ? asio::ssl::stream_base::client : asio::ssl::stream_base::server,
        [self = shared_from_this(), client](std::error_code ec) {
            if (self->closed_) return;
            if (ec) {
                self->close(client ? classify_tls_failure(self->tls_->native_handle(), ec)
                                   : TransportError::tls_handshake_failed);
                return;
            }
            self->on_ready();
        });
}

void Connection::on_ready() {
    ready_ = true;
    touch();
    arm_timer(Clock::now() + state_->config.idle_timeout);
    for (auto& waiter : connect_waiters_)
        post_connected(std::move(waiter), {});
    connect_waiters_.clear();
    read();
    if (!queue_.empty() && !writing_) write_next();
}

void Connection::add_connect_waiter(TransportLayer::ConnectHandler handler) {
    if (ready_) {
        post_connected(std::move(handler), {});
    } else {
        connect_waiters_.push_back(std::move(handler));
    }
}

void Connection::post_connected(TransportLayer::ConnectHandler handler, std::error_code ec) {
    // Like every completion: later, and never once the layer is gone.
    asio::post(state_->executor, [state = state_, h = std::move(handler), ec, flow = id] {
        if (!state->shut_down) h(ec, flow);
    });
}

void Connection::read() {
    with_stream([this](auto& stream) {
        stream.async_read_some(asio::buffer(read_buffer_),
                               [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                   self->on_read(ec, n);
                               });
    });
}

void Connection::on_read(std::error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
        close(ec == asio::error::eof ? make_error_code(TransportError::connection_closed) : ec);
        return;
    }
    touch();
    if (auto fed = framer_.feed(std::string_view(read_buffer_.data(), n)); !fed) {
        log::info(component, "closing {}: {}", remote.to_string(), fed.error().message());
        close(TransportError::bad_stream);
        return;
    }
    handle_frames();
    if (closed_) return;
    // A message in progress must complete within message_timeout (slow-drip protection).
    if (framer_.buffered() == 0) {
        partial_since_.reset();
    } else if (!partial_since_) {
        partial_since_ = Clock::now();
        const auto deadline = *partial_since_ + state_->config.message_timeout;
        if (deadline < timer_.expiry()) arm_timer(deadline);
    }
    read();
}

void Connection::handle_frames() {
    // Each pass consumes bytes from the framer, whose buffer is bounded: the loop ends.
    for (;;) {
        auto frame = framer_.next();
        if (!frame) {
            log::info(component, "closing {}: {}", remote.to_string(), frame.error().message());
            close(TransportError::bad_stream);
            return;
        }
        if (!*frame) return;
        switch ((*frame)->kind) {
            case StreamFramer::FrameKind::ping:
                // RFC 5626 §4.4.1: answer a CRLFCRLF ping with a CRLF pong.
                send(std::make_shared<const std::string>("\r\n"), nullptr);
                break;
            case StreamFramer::FrameKind::pong: {
                auto waiters = std::move(keepalives_);
                keepalives_.clear();
                for (auto& w : waiters) {
                    w.timer->cancel();
                    state_->post_error(std::move(w.handler), {});  // success
                }
                break;
            }
            case StreamFramer::FrameKind::message: {
                std::string bytes = std::move((*frame)->bytes);
                auto parsed = parse_message(std::string_view(bytes), state_->config.limits);
                if (parsed) {
                    state_->deliver(std::move(*parsed), remote, local, id);
                } else {
                    // Framed but invalid: the framing is intact, so the connection stays and
                    // the UA may answer 400 on it.
                    state_->report_bad(parsed.error(), std::move(bytes), remote, local, id);
                }
                if (closed_) return;
                break;
            }
        }
    }
}

void Connection::send(std::shared_ptr<const std::string> bytes, ErrorHandler on_error) {
    if (closed_) {
        if (on_error) state_->post_error(std::move(on_error), TransportError::connection_closed);
        return;
    }
    if (queued_bytes_ + bytes->size() > state_->config.max_write_queue_bytes) {
        if (on_error) state_->post_error(std::move(on_error), TransportError::write_queue_full);
        return;
    }
    queued_bytes_ += bytes->size();
    queue_.push_back(Pending{std::move(bytes), std::move(on_error)});
    if (ready_ && !writing_) write_next();
}

void Connection::write_next() {
    writing_ = true;
    with_stream([this](auto& stream) {
        asio::async_write(
            stream, asio::buffer(*queue_.front().bytes),
            [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_write(ec); });
    });
}

void Connection::on_write(std::error_code ec) {
    writing_ = false;
    if (closed_) return;
    if (ec) {
        close(ec);
        return;
    }
    queued_bytes_ -= queue_.front().bytes->size();
    queue_.pop_front();
    touch();
    if (!queue_.empty()) write_next();
}

void Connection::keepalive(std::chrono::milliseconds timeout,
                           TransportLayer::KeepaliveHandler handler) {
    auto timer = std::make_shared<asio::steady_timer>(state_->executor, timeout);
    timer->async_wait([self = shared_from_this(), t = timer.get()](std::error_code ec) {
        if (ec || self->closed_) return;
        for (auto it = self->keepalives_.begin(); it != self->keepalives_.end(); ++it) {
            if (it->timer.get() != t) continue;
            auto h = std::move(it->handler);
            self->keepalives_.erase(it);
            h(TransportError::keepalive_timeout);
            return;
        }
    });
    keepalives_.push_back(KeepaliveWaiter{std::move(timer), std::move(handler)});
    // RFC 5626 §4.4.1: the ping is a double CRLF.
    send(std::make_shared<const std::string>("\r\n\r\n"), nullptr);
}

void Connection::arm_timer(Clock::time_point when) {
    timer_.expires_at(when);
    timer_.async_wait([self = shared_from_this()](std::error_code ec) {
        if (ec || self->closed_) return;
        self->on_timer();
    });
}

void Connection::on_timer() {
    const auto now = Clock::now();
    if (!ready_) {
        close(TransportError::connect_timeout);
        return;
    }
    if (partial_since_ && now - *partial_since_ >= state_->config.message_timeout) {
        close(TransportError::message_timeout);
        return;
    }
    if (now - last_activity_ >= state_->config.idle_timeout) {
        close(TransportError::idle_timeout);
        return;
    }
    auto next = last_activity_ + state_->config.idle_timeout;
    if (partial_since_) next = std::min(next, *partial_since_ + state_->config.message_timeout);
    arm_timer(next);
}

void Connection::close(std::error_code reason) {
    if (closed_) return;
    closed_ = true;
    log::debug(component, "flow {} to {} closed: {}", id, remote.to_string(), reason.message());
    timer_.cancel();
    std::error_code ignored;
    socket().shutdown(Socket::shutdown_both, ignored);
    socket().close(ignored);
    for (auto& pending : queue_) {
        if (pending.on_error) state_->post_error(std::move(pending.on_error), reason);
    }
    queue_.clear();
    queued_bytes_ = 0;
    for (auto& w : keepalives_) {
        w.timer->cancel();
        state_->post_error(std::move(w.handler), reason);
    }
    keepalives_.clear();
    for (auto& waiter : connect_waiters_)
        post_connected(std::move(waiter), reason);
    connect_waiters_.clear();
    state_->connection_closed(*this, reason);
}

}  // namespace voip::sip::detail
