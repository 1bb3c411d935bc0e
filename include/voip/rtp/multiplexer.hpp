#pragma once
/// @file
/// rtp::Multiplexer: the UDP sockets of the media plane. It allocates even RTP ports (and the
/// RTCP port above each, unless rtcp-mux) from a configured range, receives every datagram
/// into a reusable buffer (one shared by all its sockets where the read allows, else one per
/// socket), sorts STUN from RTP from RTCP (RFC 7983, RFC 5761) and hands it to the
/// rtp::Session it belongs to; sessions send through it.
///
/// Threading: one io_context, run by one thread; no locks. Every call and every callback
/// happens on it. The reads complete on the io_context's own executor, not on a strand, and the
/// multiplexer's buffers are shared by all its sockets: a second thread running the same
/// io_context would read into them concurrently.

#include <voip/result.hpp>
#include <voip/rtp/demux.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/udp.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace voip::rtp {

class Session;

/// The local side of a session: where the far end sends RTP and RTCP (equal with rtcp-mux).
struct LocalPorts {
    asio::ip::udp::endpoint rtp;
    asio::ip::udp::endpoint rtcp;
};

/// Counters of the multiplexer as a whole (per-session ones live in SessionStats).
struct MultiplexerStats {
    std::uint64_t datagrams_received = 0;
    std::uint64_t unmatched = 0;  ///< no session took it
    /// From another address than the one a port was locked to (SessionConfig::strict_source),
    /// read before the lock took effect; later ones the kernel drops unseen.
    std::uint64_t foreign_source = 0;
    std::uint64_t not_media = 0;  ///< neither STUN nor RTP/RTCP (DTLS, TURN, garbage)
    std::uint64_t receive_errors = 0;
    std::uint64_t send_errors = 0;
    std::size_t open_sockets = 0;
    std::size_t sessions = 0;            ///< sessions holding ports (open or sharing)
    std::uint64_t refused_sessions = 0;  ///< opens refused by Config::max_sessions
};

class Multiplexer {
public:
    struct Config {
        /// Local address to bind (IPv4 or IPv6; any-address is fine).
        asio::ip::address address = asio::ip::address_v4::any();
        /// RTP ports are the even ports of [first_port, last_port]; RTCP uses port + 1.
        /// Allocation starts at a random even port of the range and walks upwards.
        std::uint16_t first_port = 16384;
        std::uint16_t last_port = 32767;
        /// Receive buffer per datagram; larger ones are dropped (counted in receive_errors; with
        /// receive_batch 0 they are truncated to it).
        std::size_t max_datagram = 2048;
        /// How a socket is read. 0 (default): one read per datagram, queued in Asio's reactor
        /// without a per-datagram handler; with Asio 1.22's epoll reactor the socket is
        /// registered level-triggered, so each datagram costs one recvfrom and a share of an
        /// epoll_wait, and no read finds the socket empty (other Asio versions or reactors:
        /// async_receive_from, which after each datagram tries a read that finds nothing when
        /// the socket is idle). N > 0: wait for readability (async_wait, edge-triggered), then
        /// drain up to N datagrams with one recvmmsg; a full batch is continued through
        /// asio::post after the handlers already queued (bounded unfairness between sockets).
        /// That costs one extra system call per wake-up (the EPOLL_CTL_MOD that re-arms the
        /// wait) and saves reads when several datagrams are queued at once (a port shared by
        /// many sessions, bursty sources): 32 is a good value there.
        std::size_t receive_batch = 0;
        /// Sessions open at once (issue 11: bounded sockets and memory); one more fails with
        /// MediaErrc::too_many_sessions.
        std::size_t max_sessions = 4096;
    };

    /// One bound UDP socket and the sessions listening on it (opaque to users).
    struct Port;

    Multiplexer(asio::io_context& io, const Config& config);
    explicit Multiplexer(asio::io_context& io) : Multiplexer(io, Config{}) {}
    /// Closes every socket; sessions still attached stop receiving.
    ~Multiplexer();
    Multiplexer(const Multiplexer&) = delete;
    Multiplexer& operator=(const Multiplexer&) = delete;
    Multiplexer(Multiplexer&&) = delete;
    Multiplexer& operator=(Multiplexer&&) = delete;

    [[nodiscard]] asio::io_context& context() noexcept { return io_; }
    [[nodiscard]] const Config& config() const noexcept { return config_; }
    [[nodiscard]] const MultiplexerStats& stats() const noexcept { return stats_; }

private:
    friend class Session;

    struct Binding {
        std::shared_ptr<Port> rtp;
        std::shared_ptr<Port> rtcp;  ///< same as rtp with rtcp-mux
        LocalPorts local;
    };

    // Session-facing API (Session is the only user).
    Result<Binding> open(Session& session, bool rtcp_mux);
    Result<Binding> share(Session& session, const Binding& with);
    void close(Session& session, Binding& binding);
    Result<void> send(Port& port, std::span<const std::uint8_t> datagram,
                      const asio::ip::udp::endpoint& to);
    // Prefetches the port's state (Session::prefetch_send_path).
    static void prefetch(const Port& port) noexcept;
    // The socket of a port, for a STUN client sending on it (RFC 7983: same port as RTP).
    static asio::ip::udp::socket& socket_of(Port& port) noexcept;
    // SessionConfig::strict_source: connects the port's socket to @p peer if the port is its
    // session's alone (a shared port stays open to every sender); unlock_source undoes it.
    void lock_source(Port& port, const asio::ip::udp::endpoint& peer);
    void unlock_source(Port& port);

    Result<std::shared_ptr<Port>> bind(std::uint16_t port, bool rtcp_only);
    void start_receive(const std::shared_ptr<Port>& port);
    // Config::receive_batch > 0: wait for readability, then drain up to a batch.
    void wait_readable(const std::shared_ptr<Port>& port);
    void drain(const std::shared_ptr<Port>& port, std::error_code ec);
    // Config::receive_batch == 0: queues the port's read (Port::Read, or async_receive_from).
    void start_read(Port& port);
    // Config::receive_batch == 0: dispatches the datagram read (@p size bytes in the port's
    // buffer); false when the port closed meanwhile (or the read was aborted): read no more.
    bool on_read(Port& port, std::error_code ec, std::size_t size);
    void dispatch(Port& port, std::span<std::uint8_t> buffer, std::size_t size,
                  const asio::ip::udp::endpoint& sender);
    void detach(const std::shared_ptr<Port>& port, Session& session);
    // Config::max_sessions: false (counted, logged) when the table is full.
    bool admit_session();

    asio::io_context& io_;
    Config config_;
    MultiplexerStats stats_;
    std::uint16_t next_port_;
    std::vector<std::shared_ptr<Port>> ports_;
    // Receive buffers of a batch, shared by every socket: one thread drains one socket at a
    // time and dispatch is synchronous, so 32 × max_datagram per multiplexer, not per socket.
    struct Batch;
    std::unique_ptr<Batch> batch_;
    // Where Session::send_packet builds (and protects) each packet, shared by every session:
    // sends are synchronous on the one thread, and one buffer stays in cache where hundreds
    // of per-session buffers each missed it once per packet.
    std::array<std::uint8_t, 2048> send_scratch_{};
    // receive_batch == 0: where the ports whose read completes as it performs read each
    // datagram (Port::read_buffer). Shared with them, so that a session's callback may
    // destroy the multiplexer without pulling the datagram it handles from under it.
    struct SharedBuffer;
    std::shared_ptr<SharedBuffer> shared_receive_buffer_;
};

}  // namespace voip::rtp
