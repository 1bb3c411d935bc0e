#include <voip/log.hpp>
#include <voip/rtp/media_error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>

#include <asio/post.hpp>
#include <asio/socket_base.hpp>
#include <asio/version.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <system_error>

#include "core/prefetch.hpp"

#if !defined(_WIN32)
#include <sys/socket.h>  // connect(2) to AF_UNSPEC; recvmmsg on Linux
#endif

// The default receive path (receive_batch 0) queues its own read operation in Asio's epoll
// reactor, written against Asio 1.22's internal reactor interface (asio::detail); with another
// Asio or reactor it is one async_receive_from per datagram. Why: see Port::Read.
#if defined(__linux__) && defined(ASIO_HAS_EPOLL) && !defined(ASIO_HAS_IO_URING_AS_DEFAULT) && \
    ASIO_VERSION / 100 == 1022
#define VOIP_RTP_REACTOR_READ 1
#include <asio/detail/epoll_reactor.hpp>
#include <asio/detail/reactor.hpp>
#include <asio/detail/reactor_op.hpp>
#include <asio/detail/socket_types.hpp>

#include <sys/epoll.h>
#include <type_traits>
#endif

namespace voip::rtp {

namespace {

// An asio::ip::udp::socket whose reactor registration the multiplexer's own read reaches.
class UdpSocket : public asio::ip::udp::socket {
public:
    using asio::ip::udp::socket::basic_datagram_socket;
#if defined(VOIP_RTP_REACTOR_READ)
    [[nodiscard]] auto& implementation() noexcept {
        return impl_.get_implementation();
    }
#endif
};

}  // namespace

// The receive buffer the level-triggered ports share, and which port's read last filled it:
// a read whose completion finds another port's datagram there instead of its own (which the
// way the reads are queued rules out, see start_read) is dropped and counted, not dispatched.
struct Multiplexer::SharedBuffer {
    explicit SharedBuffer(std::size_t size) : bytes(size) {}
    std::vector<std::uint8_t> bytes;
    const Port* holder = nullptr;
};

struct Multiplexer::Port {
    Port(asio::io_context& io, std::size_t buffer_size, bool rtcp)
        : socket(io), buffer(buffer_size), rtcp_only(rtcp) {}

#if defined(VOIP_RTP_REACTOR_READ)
    // The read of a port as an operation of Asio's epoll reactor: see its definition below.
    struct Read : asio::detail::reactor_op {
        Read(Port& p, asio::detail::reactor& r)
            : reactor_op(std::error_code(), &Read::perform, &Read::complete), port(p), reactor(r) {}
        static status perform(asio::detail::reactor_op* base);
        static void complete(void* owner, asio::detail::operation* base, const std::error_code&,
                             std::size_t);

        Port& port;
        asio::detail::reactor& reactor;  // looked up once: use_service locks the service registry
        std::shared_ptr<Port> keep;
    };
    // receive_batch == 0: the port's one read, reused. In the port itself, first: the reactor
    // reaches the op, and the fields the read uses next lie beside it, not behind a pointer.
    std::optional<Read> read;
    bool level_triggered = false;  // register_level_triggered succeeded
#endif
    UdpSocket socket;
    asio::ip::udp::endpoint sender;
    Multiplexer* owner = nullptr;  // null once closed: queued handlers then do nothing
    // sessions.front() when it is the only one (the usual, unshared port), else null: read
    // with the port's first lines instead of from the vector's storage elsewhere.
    Session* sole = nullptr;
    // receive_batch == 0: where each datagram is read. The multiplexer's one buffer when the
    // read completes as soon as it performs (Port::Read, level-triggered): one buffer stays in
    // cache, where each port's own missed it once per packet. Otherwise the port's own.
    std::shared_ptr<SharedBuffer> shared_buffer;
    std::vector<std::uint8_t> buffer;
    // Where the socket is connected to (SessionConfig::strict_source): sends there skip the
    // route lookup, and the kernel drops datagrams from anywhere else.
    std::optional<asio::ip::udp::endpoint> peer;
    bool rtcp_only;
    std::vector<Session*> sessions;

    void sessions_changed() noexcept {
        sole = sessions.size() == 1 ? sessions.front() : nullptr;
    }
    [[nodiscard]] std::span<std::uint8_t> read_buffer() noexcept {
        return shared_buffer ? std::span<std::uint8_t>(shared_buffer->bytes)
                             : std::span<std::uint8_t>(buffer);
    }
};

#if defined(VOIP_RTP_REACTOR_READ)
namespace {

// Asio keeps its epoll descriptor and a descriptor's registered events private. An explicit
// instantiation may name private members (C++20 [temp.spec.general]/6: no access checking
// there), which lets member() below hand out pointers to them without patching Asio. Only
// for the Asio version VOIP_RTP_REACTOR_READ is gated on.
template <class Tag, typename Tag::type Member>
struct Expose {
    friend typename Tag::type member(Tag /*tag*/) { return Member; }
};
using DescriptorState = std::remove_pointer_t<asio::detail::epoll_reactor::per_descriptor_data>;
struct EpollFd {
    using type = int asio::detail::epoll_reactor::*;
    friend type member(EpollFd tag);
};
struct RegisteredEvents {
    using type = std::uint32_t DescriptorState::*;
    friend type member(RegisteredEvents tag);
};
struct TrySpeculative {
    using type = bool (DescriptorState::*)[asio::detail::epoll_reactor::max_ops];
    friend type member(TrySpeculative tag);
};
template struct Expose<EpollFd, &asio::detail::epoll_reactor::epoll_fd_>;
template struct Expose<RegisteredEvents, &DescriptorState::registered_events_>;
template struct Expose<TrySpeculative, &DescriptorState::try_speculative_>;

// Asio registers every socket edge-triggered, so a read must find the socket empty before
// the next wait: one recvfrom that finds nothing after every datagram (a system call per
// packet that reads nothing, when each wake-up brings one datagram, the usual RTP case).
// Level-triggered, epoll reports the socket again while anything is queued, so the read
// stops after one datagram (Port::Read returns done_and_exhausted, and Asio then skips the
// speculative read when the op is queued again). Only the port's own Read ever waits on it:
// sends are synchronous and nothing else reads these sockets.
bool register_level_triggered(asio::detail::epoll_reactor& reactor, int descriptor,
                              DescriptorState* state) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLPRI;  // Asio's set, without EPOLLET
    ev.data.ptr = state;
    if (::epoll_ctl(reactor.*member(EpollFd{}), EPOLL_CTL_MOD, descriptor, &ev) != 0) {
        return false;
    }
    state->*member(RegisteredEvents{}) = ev.events;  // Asio adds EPOLLOUT to it, if ever
    // The first read waits for epoll, as every later one does (Multiplexer::start_read).
    (state->*member(TrySpeculative{}))[asio::detail::epoll_reactor::read_op] = false;
    return true;
}

}  // namespace

// The read of a port as an operation of Asio's epoll reactor, made once and queued again after
// every datagram. It does what async_receive_from does — one recvfrom when epoll reports the
// socket readable — without what async_receive_from adds per datagram: a handler allocation
// (recycled, but still a trip through Asio's thread-local cache), the work tracking of the
// socket's type-erased any_io_executor, a shared_ptr copy of the port in each handler, and,
// with the socket level-triggered (register_level_triggered), the read that finds the socket
// empty. The op holds the port (`keep`) from its first start until it completes for the last
// time (the port closed).
Multiplexer::Port::Read::status Multiplexer::Port::Read::perform(asio::detail::reactor_op* base) {
    auto* self = static_cast<Read*>(base);
    Port& p = self->port;
    // The session's receiving state is cold by the time its next datagram comes (20 ms later,
    // hundreds of calls between): asked for now, it arrives during the system call.
    if (p.sole != nullptr) p.sole->prefetch_receive_path();
    for (;;) {
        auto length = static_cast<socklen_t>(p.sender.capacity());
        const auto into = p.read_buffer();
        const ssize_t got = ::recvfrom(p.socket.native_handle(), into.data(), into.size(),
                                       MSG_DONTWAIT, p.sender.data(), &length);
        if (got >= 0) {
            // Larger than the buffer: truncated to it, as async_receive_from does.
            p.sender.resize(length);
            self->bytes_transferred_ = static_cast<std::size_t>(got);
            if (p.shared_buffer) p.shared_buffer->holder = &p;
            // Level-triggered: whatever is still queued, epoll reports again; edge-
            // triggered (the switch failed): read until the socket is empty.
            return p.level_triggered ? done_and_exhausted : done;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return not_done;
        // ICMP port unreachable (ECONNREFUSED) and the like: reported, not fatal for UDP.
        self->ec_ = std::error_code(errno, asio::error::get_system_category());
        self->bytes_transferred_ = 0;
        // Exhausted, too, so that Asio does not try the next read speculatively (start_read).
        return p.level_triggered ? done_and_exhausted : done;
    }
}

void Multiplexer::Port::Read::complete(void* owner, asio::detail::operation* base,
                                       const std::error_code&, std::size_t) {
    auto* self = static_cast<Read*>(base);
    Port& p = self->port;
    if (owner == nullptr || p.owner == nullptr) {
        // io_context shutting down (owner null), or the port closed (operation_aborted):
        // the last use of the op; the port (and the op with it) may go now.
        const auto last = std::move(self->keep);
        return;
    }
    const std::error_code ec = self->ec_;
    self->ec_ = {};
    // `keep` holds the port through the dispatch, in which its sessions may close it.
    if (p.owner->on_read(p, ec, self->bytes_transferred_)) {
        p.owner->start_read(p);
    } else {
        const auto last = std::move(self->keep);  // may free the port, and this op
    }
}
#endif

// The buffers of one batch read: `count` slots of max_datagram bytes, each with its source
// address, described to recvmmsg once (only the lengths the kernel overwrites are reset).
struct Multiplexer::Batch {
    Batch(std::size_t count, std::size_t slot_size)
        : slot(slot_size), data(count * slot_size), senders(count), lengths(count) {
#if defined(__linux__)
        iov.resize(count);
        headers.resize(count);
        names.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            iov[i].iov_base = data.data() + i * slot_size;
            iov[i].iov_len = slot_size;
            headers[i].msg_hdr.msg_iov = &iov[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            headers[i].msg_hdr.msg_name = &names[i];
        }
#endif
    }
    [[nodiscard]] std::size_t count() const noexcept {
        return senders.size();
    }
    [[nodiscard]] std::span<std::uint8_t> buffer(std::size_t i) noexcept {
        return std::span<std::uint8_t>(data).subspan(i * slot, slot);
    }

    static constexpr std::size_t truncated = static_cast<std::size_t>(-1);

    std::size_t slot;
    std::vector<std::uint8_t> data;
    std::vector<asio::ip::udp::endpoint> senders;
    std::vector<std::size_t> lengths;  // of each datagram read, or `truncated`
#if defined(__linux__)
    std::vector<iovec> iov;
    std::vector<mmsghdr> headers;
    std::vector<sockaddr_storage> names;
#endif
};

namespace {

// A random even port of the range to start allocating from: processes sharing the range (several
// user agents on one host, parallel test runs) then rarely pick the same recently-released port,
// whose late packets from an old call would otherwise reach a new one (RFC 3550 §8.2).
std::uint16_t random_first_port(const Multiplexer::Config& config) {
    const std::uint32_t first = config.first_port + (config.first_port & 1U);
    if (first >= config.last_port) return static_cast<std::uint16_t>(first);
    const std::uint32_t pairs = (config.last_port - first) / 2 + 1;
    std::random_device entropy;
    return static_cast<std::uint16_t>(first + 2 * (entropy() % pairs));
}

}  // namespace

Multiplexer::Multiplexer(asio::io_context& io, const Config& config)
    : io_(io), config_(config), next_port_(random_first_port(config)) {}

Multiplexer::~Multiplexer() {
    for (auto& port : ports_) {
        port->owner = nullptr;
        std::error_code ignored;
        port->socket.close(ignored);
    }
}

Result<std::shared_ptr<Multiplexer::Port>> Multiplexer::bind(std::uint16_t number, bool rtcp_only) {
#if defined(VOIP_RTP_REACTOR_READ)
    // Whether the port needs a buffer of its own is known once its read starts.
    constexpr std::size_t own_buffer = 0;
#else
    const std::size_t own_buffer = config_.receive_batch == 0 ? config_.max_datagram : 0;
#endif
    auto port = std::make_shared<Port>(io_, own_buffer, rtcp_only);
    std::error_code ec;
    const asio::ip::udp::endpoint local(config_.address, number);
    port->socket.open(local.protocol(), ec);
    if (ec) return ec;
    port->socket.bind(local, ec);
    if (ec) return ec;
    // Sends never block: a full socket buffer drops the datagram, as the network would.
    port->socket.non_blocking(true, ec);
    if (ec) return ec;
    port->owner = this;
    if (config_.receive_batch > 0 && !batch_) {
        batch_ = std::make_unique<Batch>(config_.receive_batch, config_.max_datagram);
    }
    return port;
}

Result<Multiplexer::Binding> Multiplexer::open(Session& session, bool rtcp_mux) {
    if (!admit_session()) return MediaErrc::too_many_sessions;
    const std::uint32_t first = config_.first_port + (config_.first_port & 1U);
    const std::uint32_t last = config_.last_port;
    if (first + (rtcp_mux ? 0U : 1U) > last || first > 65534) return MediaErrc::bad_port_range;
    const std::uint32_t count = (last - (rtcp_mux ? 0U : 1U) - first) / 2 + 1;

    // Walk the even ports from where the last allocation stopped, so a port just released is
    // not reused at once (late packets of the old call would land in the new one).
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t candidate = next_port_;
        if (candidate < first || candidate + (rtcp_mux ? 0U : 1U) > last) candidate = first;
        next_port_ = static_cast<std::uint16_t>(candidate + 2 > last ? first : candidate + 2);

        auto rtp = bind(static_cast<std::uint16_t>(candidate), false);
        if (!rtp) continue;
        Binding binding;
        binding.rtp = *rtp;
        if (rtcp_mux) {
            binding.rtcp = binding.rtp;
        } else {
            auto rtcp = bind(static_cast<std::uint16_t>(candidate + 1), true);
            if (!rtcp) {
                std::error_code ignored;
                binding.rtp->socket.close(ignored);
                continue;
            }
            binding.rtcp = *rtcp;
        }
        binding.local.rtp = binding.rtp->socket.local_endpoint();
        binding.local.rtcp = binding.rtcp->socket.local_endpoint();
        for (const auto& port : {binding.rtp, binding.rtcp}) {
            // With rtcp-mux both are one port, listed once: one session, the direct dispatch.
            if (!port->sessions.empty()) continue;
            ports_.push_back(port);
            stats_.open_sockets = ports_.size();
            start_receive(port);
            port->sessions.push_back(&session);
            port->sessions_changed();
        }
        log::debug("rtp", "opened RTP port {} ({})", candidate, rtcp_mux ? "rtcp-mux" : "+RTCP");
        ++stats_.sessions;
        return binding;
    }
    return MediaErrc::no_free_port;
}

Result<Multiplexer::Binding> Multiplexer::share(Session& session, const Binding& with) {
    if (!with.rtp || with.rtp->owner != this) return MediaErrc::not_open;
    if (!admit_session()) return MediaErrc::too_many_sessions;
    ++stats_.sessions;
    // A shared port takes datagrams from every session's far end.
    unlock_source(*with.rtp);
    unlock_source(*with.rtcp);
    with.rtp->sessions.push_back(&session);
    with.rtp->sessions_changed();
    if (with.rtcp != with.rtp) {
        with.rtcp->sessions.push_back(&session);
        with.rtcp->sessions_changed();
    }
    return with;
}

void Multiplexer::lock_source(Port& port, const asio::ip::udp::endpoint& peer) {
    if (port.owner == nullptr || port.sessions.size() != 1 || port.peer == peer) return;
    // connect(2) on a UDP socket: the kernel keeps the route (each send skips the lookup that
    // an unconnected sendto does) and delivers only the peer's datagrams (strict RTP). On a
    // socket bound to the any-address it would also pin the local address to the route's
    // source, and on a multi-homed host the far end may be sending to another of ours.
    if (config_.address.is_unspecified()) return;
    std::error_code ec;
    port.socket.connect(peer, ec);
    if (ec) {
        log::debug("rtp.multiplexer", "cannot lock to {}:{}: {}", peer.address().to_string(),
                   peer.port(), ec.message());
        unlock_source(port);
        return;
    }
    port.peer = peer;
}

void Multiplexer::unlock_source(Port& port) {
    if (!port.peer || port.owner == nullptr) return;
    port.peer.reset();
    // POSIX: connecting a datagram socket to AF_UNSPEC dissolves the association; the bound
    // local address stays.
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    if (::connect(port.socket.native_handle(), &unspecified, sizeof unspecified) != 0) {
        log::warning("rtp.multiplexer", "cannot unlock a media socket: {}",
                     std::error_code(errno, std::system_category()).message());
    }
}

void Multiplexer::detach(const std::shared_ptr<Port>& port, Session& session) {
    auto& list = port->sessions;
    list.erase(std::remove(list.begin(), list.end(), &session), list.end());
    port->sessions_changed();
    if (!list.empty() || port->owner == nullptr) return;
    // Last user gone: close the socket; the pending receive completes with
    // operation_aborted and, seeing owner == nullptr, touches nothing.
    port->owner = nullptr;
    std::error_code ignored;
    port->socket.close(ignored);
    ports_.erase(std::remove(ports_.begin(), ports_.end(), port), ports_.end());
    stats_.open_sockets = ports_.size();
}

bool Multiplexer::admit_session() {
    if (stats_.sessions < config_.max_sessions) return true;
    if (stats_.refused_sessions++ % 1000 == 0) {
        log::warning("rtp.multiplexer", "{} media sessions open: refusing another",
                     stats_.sessions);
    }
    return false;
}

void Multiplexer::close(Session& session, Binding& binding) {
    if (binding.rtp && stats_.sessions > 0) --stats_.sessions;
    if (binding.rtp) detach(binding.rtp, session);
    if (binding.rtcp && binding.rtcp != binding.rtp) detach(binding.rtcp, session);
    binding = Binding{};
}

Result<void> Multiplexer::send(Port& port, std::span<const std::uint8_t> datagram,
                               const asio::ip::udp::endpoint& to) {
    if (port.owner == nullptr) return MediaErrc::not_open;
    std::error_code ec;
    if (port.peer && *port.peer == to) {
        port.socket.send(asio::buffer(datagram.data(), datagram.size()), 0, ec);
    } else {
        port.socket.send_to(asio::buffer(datagram.data(), datagram.size()), to, 0, ec);
    }
    if (ec) {
        ++stats_.send_errors;
        return MediaErrc::send_failed;
    }
    return {};
}

void Multiplexer::prefetch(const Port& port) noexcept {
    voip::detail::prefetch_lines(&port, sizeof port);
}

asio::ip::udp::socket& Multiplexer::socket_of(Port& port) noexcept {
    return port.socket;
}

void Multiplexer::start_receive(const std::shared_ptr<Port>& port) {
    if (config_.receive_batch > 0) {
        wait_readable(port);
        return;
    }
#if defined(VOIP_RTP_REACTOR_READ)
    if (!port->read) {
        port->read.emplace(*port, asio::use_service<asio::detail::reactor>(io_));
        auto& socket = port->socket.implementation();
        port->level_triggered =
            register_level_triggered(port->read->reactor, socket.socket_, socket.reactor_data_);
        if (port->level_triggered) {
            // Each read then completes right where it performs (start_read), so no other
            // port's read comes between: they can all share one buffer.
            if (!shared_receive_buffer_) {
                shared_receive_buffer_ = std::make_shared<SharedBuffer>(config_.max_datagram);
            }
            port->shared_buffer = shared_receive_buffer_;
        } else {
            port->buffer.resize(config_.max_datagram);
        }
    }
    port->read->keep = port;
    start_read(*port);
#else
    // Asio first tries the read at once (speculatively) and only then waits on epoll: when
    // datagrams are queued, each costs one recvfrom and no reactor round trip; when idle, one
    // recvfrom that finds nothing before every wait.
    port->socket.async_receive_from(asio::buffer(port->buffer), port->sender,
                                    [port](std::error_code ec, std::size_t size) {
                                        if (port->owner == nullptr) return;  // closed
                                        if (port->owner->on_read(*port, ec, size)) {
                                            port->owner->start_receive(port);
                                        }
                                    });
#endif
}

void Multiplexer::start_read(Port& port) {
#if defined(VOIP_RTP_REACTOR_READ)
    auto& socket = port.socket.implementation();
    // Level-triggered, the read is never tried speculatively here: Asio skips that try after a
    // read returned done_and_exhausted (every read of such a port does), and before the first
    // one register_level_triggered turned it off. So the reactor performs the read when epoll
    // reports the socket and completes it at once, as the first (only) op of its descriptor
    // (epoll_reactor::descriptor_state::perform_io): no other port's read comes between, which
    // is what lets the ports share one buffer. (Passing allow_speculative = false instead would
    // cost an epoll_ctl per datagram: Asio re-arms the descriptor on that path.)
    port.read->reactor.start_op(asio::detail::reactor::read_op, socket.socket_,
                                socket.reactor_data_, &*port.read, false, true);
#else
    (void)port;
#endif
}

bool Multiplexer::on_read(Port& port, std::error_code ec, std::size_t size) {
    if (ec) {
        if (ec == asio::error::operation_aborted) return false;
        // ICMP port unreachable surfaces as connection_refused: not fatal for UDP.
        ++stats_.receive_errors;
        return true;
    }
    if (port.shared_buffer && port.shared_buffer->holder != &port) {
        // Another port's datagram overwrote this one (see SharedBuffer): lost, not misdelivered.
        ++stats_.receive_errors;
        return true;
    }
    ++stats_.datagrams_received;
    dispatch(port, port.read_buffer(), size, port.sender);
    // The session may have closed the port (its last user) from its callback.
    return port.owner != nullptr;
}

void Multiplexer::wait_readable(const std::shared_ptr<Port>& port) {
    // Asio's epoll reactor is edge-triggered: a wait completes on the next arrival after it
    // was queued, so it is queued only once the socket was read empty (drain()).
    port->socket.async_wait(asio::socket_base::wait_read, [port](std::error_code ec) {
        if (port->owner == nullptr) return;  // closed
        port->owner->drain(port, ec);
    });
}

void Multiplexer::drain(const std::shared_ptr<Port>& port, std::error_code ec) {
    if (ec) {
        if (ec == asio::error::operation_aborted) return;
        ++stats_.receive_errors;
    }
    Batch& batch = *batch_;
    const std::size_t count = batch.count();
    std::size_t n = 0;
    bool gave_up = false;
#if defined(__linux__)
    // One recvmmsg: returns what is queued, up to count, without blocking.
    for (std::size_t attempt = 0; attempt < count; ++attempt) {
        for (std::size_t i = 0; i < count; ++i) {
            batch.headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            batch.headers[i].msg_hdr.msg_flags = 0;
        }
        const int got = ::recvmmsg(port->socket.native_handle(), batch.headers.data(),
                                   static_cast<unsigned>(count), MSG_DONTWAIT, nullptr);
        if (got >= 0) {
            n = static_cast<std::size_t>(got);
            break;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        // ICMP port unreachable (ECONNREFUSED) and the like: reported once and not fatal for
        // UDP; EINTR: try again. Bounded either way.
        ++stats_.receive_errors;
        gave_up = attempt + 1 == count;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto& header = batch.headers[i];
        auto& sender = batch.senders[i];
        const auto length = std::min<std::size_t>(header.msg_hdr.msg_namelen, sender.capacity());
        std::memcpy(sender.data(), &batch.names[i], length);
        sender.resize(length);
        batch.lengths[i] =
            (header.msg_hdr.msg_flags & MSG_TRUNC) != 0 ? Batch::truncated : header.msg_len;
    }
#else
    // Portable: one non-blocking receive_from per datagram, into the batch's slots.
    std::size_t errors = 0;
    while (n < count && !gave_up) {
        std::error_code read_ec;
        const std::size_t size =
            port->socket.receive_from(asio::buffer(batch.buffer(n)), batch.senders[n], 0, read_ec);
        if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) break;
        if (read_ec) {
            ++stats_.receive_errors;
            gave_up = ++errors == count;
            continue;
        }
        batch.lengths[n++] = size;
    }
#endif
    for (std::size_t i = 0; i < n; ++i) {
        if (batch.lengths[i] == Batch::truncated) {
            ++stats_.receive_errors;  // larger than max_datagram
            continue;
        }
        ++stats_.datagrams_received;
        dispatch(*port, batch.buffer(i), batch.lengths[i], batch.senders[i]);
        // The session may have closed the port (its last user) from its callback.
        if (port->owner == nullptr) return;
    }
    if (n == count && !gave_up) {
        // A full batch: more may be queued, which no new edge would announce. Continue after
        // the handlers already queued (other sockets, timers) have had their turn.
        asio::post(io_, [port] {
            if (port->owner != nullptr) port->owner->drain(port, {});
        });
        return;
    }
    // Read empty (or given up after errors): the next arrival is a new edge.
    wait_readable(port);
}

void Multiplexer::dispatch(Port& port, std::span<std::uint8_t> buffer, std::size_t size,
                           const asio::ip::udp::endpoint& sender) {
    const auto datagram = buffer.first(size);
    // RFC 7983 §7 by first byte; RFC 5761 §4 splits RTP from RTCP on an rtcp-mux port. On a
    // port of its own, RTCP is all there is.
    PacketKind kind = classify(datagram);
    if (port.rtcp_only && kind == PacketKind::rtp) kind = PacketKind::rtcp;
    if (kind != PacketKind::rtp && kind != PacketKind::rtcp && kind != PacketKind::stun) {
        ++stats_.not_media;
        return;
    }
    if (port.peer && *port.peer != sender) {
        // Queued before the socket was locked to its peer (SessionConfig::strict_source).
        ++stats_.foreign_source;
        return;
    }
    Session* target = nullptr;
    if (port.sole != nullptr) {
        target = port.sole;
    } else {
        // Shared port: by remote address first, then SSRC (RTP: bytes 8-11; RTCP: the
        // sender SSRC, bytes 4-7).
        std::uint32_t ssrc = 0;
        if (kind == PacketKind::rtp && size >= 12) ssrc = detail::load_u32(&datagram[8]);
        if (kind == PacketKind::rtcp && size >= 8) ssrc = detail::load_u32(&datagram[4]);
        int best = 0;
        for (Session* s : port.sessions) {
            const int score = s->match(sender, kind, ssrc);
            if (score > best) {
                best = score;
                target = s;
            }
        }
    }
    if (target == nullptr) {
        ++stats_.unmatched;
        return;
    }
    // The session may stop (and detach) from inside its callback; we touch nothing after.
    target->receive(kind, buffer, size, sender);
}

}  // namespace voip::rtp
