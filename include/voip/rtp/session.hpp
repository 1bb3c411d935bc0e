#pragma once
/// @file
/// rtp::Session: the media of one call leg. It owns its local ports (through a Multiplexer),
/// numbers and stamps what it sends (RFC 3550 §5.1), protects/unprotects with an optional
/// rtp::Transform (SRTP), keeps reception statistics, exchanges RTCP reports (RFC 3550 §6)
/// and says goodbye (RTCP BYE) when stopped. Subclasses override on_packet().
///
/// @code
///   class Probe : public voip::rtp::Session {
///       using Session::Session;
///       void on_packet(const voip::rtp::PacketView& p) override { ... }
///   };
///   Probe s{mux};
///   auto ports = s.open().value();            // put ports.rtp into SDP
///   s.set_remote(far_rtp);                    // from the answer
///   s.set_transform(std::move(srtp));         // optional: voip::srtp::Transform
///   s.start();                                // RTCP every ~5 s
///   s.send_packet(payload, 0, false, 160);
/// @endcode
///
/// Threading: everything on the multiplexer's io_context. The Multiplexer must outlive it.

#include <voip/result.hpp>
#include <voip/rtp/media_error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/packet.hpp>
#include <voip/rtp/reception_stats.hpp>
#include <voip/rtp/rtcp.hpp>
#include <voip/rtp/session_stats.hpp>
#include <voip/rtp/transform.hpp>
#include <voip/stun/binding_client.hpp>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace voip::rtp {

class Session;

/// The signalling side of a call leg (the SIP dialog): a session hangs up through it.
class SessionOwner {
public:
    using Done = std::function<void(std::error_code)>;
    virtual ~SessionOwner() = default;
    /// Ends the call of @p session (SIP BYE) and calls @p done once, with the outcome.
    virtual void hang_up(Session& session, Done done) = 0;

protected:
    SessionOwner() = default;
    SessionOwner(const SessionOwner&) = default;
    SessionOwner& operator=(const SessionOwner&) = default;
    SessionOwner(SessionOwner&&) = default;
    SessionOwner& operator=(SessionOwner&&) = default;
};

struct SessionConfig {
    /// RTP clock rate of the payload format (timestamps, jitter).
    std::uint32_t clock_rate = 8000;
    /// RFC 5761: RTP and RTCP on one port.
    bool rtcp_mux = false;
    /// RFC 3550 §6.2: the minimum report interval, 5 s; each interval is randomised to
    /// [0.5, 1.5] times this (§6.3.1) and the first one halved. Tests make it short.
    std::chrono::milliseconds rtcp_interval{5000};
    /// RFC 3550 §6.5.1 CNAME; empty = a random one.
    std::string cname;
    /// STUN server (RFC 5389) that async_discover_public_address() asks for the public address
    /// of the RTP socket. Empty (the default) = STUN off: no STUN traffic at all.
    std::optional<asio::ip::udp::endpoint> stun_server;
    /// Retransmission timing of those Binding requests (RFC 5389 §7.2.1 defaults).
    stun::BindingOptions stun_options;
    /// Strict source ("strict RTP"): once RTP (RTCP) has latched to where the far end's valid
    /// packets come from (RFC 4961; after SRTP authentication), the port's socket is connected
    /// to that address. The kernel then drops datagrams from anywhere else before they cost
    /// anything (injected or stray media: they are not counted), and each send skips the route
    /// lookup of an unconnected sendto. set_remote() (a new SDP) unlocks and latches anew.
    /// Not on a port shared by several sessions, nor on a Multiplexer bound to the
    /// any-address (connect(2) would pin the local address to the route's source, which on a
    /// multi-homed host need not be where the far end sends), nor once
    /// async_discover_public_address() has used the port (the STUN server's answers must get
    /// in). false: keep following the source wherever valid packets come from, mid-call too
    /// (e.g. a NAT that rebinds).
    bool strict_source = true;
};

class Session {
public:
    explicit Session(Multiplexer& mux, SessionConfig config = {});
    /// Stops (RTCP BYE if running) and releases the ports.
    virtual ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    /// Takes a fresh even RTP port (and RTCP port + 1, unless rtcp-mux) and starts receiving.
    Result<LocalPorts> open();
    /// Listens on the ports of @p other (already open) too; datagrams are told apart by
    /// remote address, then SSRC.
    Result<LocalPorts> open_shared(const Session& other);
    [[nodiscard]] const LocalPorts& local_ports() const noexcept { return binding_.local; }
    [[nodiscard]] bool is_open() const noexcept { return binding_.rtp != nullptr; }

    /// The far end's addresses (from SDP). RTCP defaults to RTP port + 1, or the RTP port
    /// with rtcp-mux. Symmetric RTP (RFC 4961) later latches to where packets really come from.
    void set_remote(const asio::ip::udp::endpoint& rtp,
                    std::optional<asio::ip::udp::endpoint> rtcp = std::nullopt);
    /// The SSRC the far end announced (a=ssrc), to tell sessions on a shared port apart.
    void set_remote_ssrc(std::uint32_t ssrc) noexcept { expected_remote_ssrc_ = ssrc; }
    /// The negotiated payload format's RTP clock rate (e.g. 48000 for Opus), for the RFC 3550
    /// §A.8 jitter and the SR's RTP timestamp; set it before packets flow. 0 is ignored.
    void set_clock_rate(std::uint32_t rate) noexcept {
        if (rate != 0) config_.clock_rate = rate;
    }
    /// Moves the RTP timestamp of the next packet on by @p advance without sending: a sender
    /// that pauses (on hold) keeps its timestamp advancing with time (RFC 3550 §5.1).
    void skip_timestamp(std::uint32_t advance) noexcept { timestamp_ += advance; }
    /// SRTP (voip::srtp::Transform) or nullptr for plain RTP.
    void set_transform(std::unique_ptr<Transform> transform) noexcept {
        transform_ = std::move(transform);
    }
    /// The dialog that hang_up() delegates to; must outlive the session or be reset.
    void set_owner(SessionOwner* owner) noexcept { owner_ = owner; }

    /// Starts periodic RTCP reports.
    void start();
    /// Sends RTCP BYE (RFC 3550 §6.6) if started, cancels the report timer and releases the
    /// ports. No callback happens after it returns. Idempotent.
    void stop(std::string_view reason = {});

    /// Sends one RTP packet: header with the next sequence number, the current timestamp and
    /// our SSRC, protected if a transform is set. The timestamp then advances by
    /// @p timestamp_advance (e.g. 160 for 20 ms at 8 kHz).
    Result<void> send_packet(std::span<const std::uint8_t> payload, std::uint8_t payload_type,
                             bool marker, std::uint32_t timestamp_advance);
    /// Same, with the time of sending given by a caller that has it at hand (a paced sender's
    /// wake-up time): it dates the packet's timestamp for the next RTCP sender report, and
    /// saves a clock read per packet.
    Result<void> send_packet(std::span<const std::uint8_t> payload, std::uint8_t payload_type,
                             bool marker, std::uint32_t timestamp_advance,
                             std::chrono::steady_clock::time_point now);
    /// A hint ahead of a send_packet() soon: asks for the cache lines of the RTP port's state
    /// the send will touch (they live in the multiplexer, apart from the session). For callers
    /// that tick hundreds of sessions, each cold by its turn; no effect on behaviour.
    void prefetch_send_path() const noexcept;
    /// The same ahead of a datagram's arrival (the multiplexer calls it before each read):
    /// the session's own state that receiving an RTP packet touches.
    void prefetch_receive_path() const noexcept;
    /// Sends a raw datagram (a STUN request) from the RTP port.
    Result<void> send_raw(std::span<const std::uint8_t> datagram,
                          const asio::ip::udp::endpoint& to);

    /// Completion signature of async_discover_public_address: the address to put in SDP c=/m=
    /// (sdp::use_public_address takes it).
    using DiscoverSignature = void(std::error_code, asio::ip::udp::endpoint);

    /// Learns the public address of this session's RTP socket from @p stun_server: a STUN
    /// Binding request (RFC 5389 §7, retransmitted per §7.2.1) is sent from the RTP port itself,
    /// so the answer is that port's NAT mapping; the response is taken out of the received
    /// STUN datagrams (RFC 7983) before on_stun() sees them, while RTP keeps flowing on the
    /// same port. Errors: MediaErrc::not_open, those of stun::BindingClient
    /// (stun::Error::timed_out, error_response, busy, ...), asio::error::operation_aborted when
    /// the session stops or another server is asked meanwhile.
    template <class CompletionToken>
    auto async_discover_public_address(const asio::ip::udp::endpoint& stun_server,
                                       CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, DiscoverSignature>(
            [this](auto handler, const asio::ip::udp::endpoint& server) {
                if (stun::BindingClient* client = stun_client(server)) {
                    client->async_resolve_public_address(std::move(handler));
                } else {
                    complete_discovery(std::move(handler), MediaErrc::not_open, {});
                }
            },
            token, stun_server);
    }

    /// Same with SessionConfig::stun_server. STUN off (no server configured): nothing is sent
    /// and it completes with the local RTP endpoint (local_ports().rtp), which is what goes
    /// into SDP then (any-address: the caller substitutes its host address).
    template <class CompletionToken>
    auto async_discover_public_address(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, DiscoverSignature>(
            [this](auto handler) {
                if (!is_open()) {
                    complete_discovery(std::move(handler), MediaErrc::not_open, {});
                } else if (!config_.stun_server) {
                    complete_discovery(std::move(handler), {}, binding_.local.rtp);
                } else if (stun::BindingClient* client = stun_client(*config_.stun_server)) {
                    client->async_resolve_public_address(std::move(handler));
                }
            },
            token);
    }

    /// A snapshot of what has been measured.
    [[nodiscard]] SessionStats stats() const;
    [[nodiscard]] std::uint32_t ssrc() const noexcept { return ssrc_; }
    [[nodiscard]] std::uint16_t next_sequence() const noexcept { return sequence_; }
    [[nodiscard]] std::uint32_t next_timestamp() const noexcept { return timestamp_; }
    [[nodiscard]] const SessionConfig& config() const noexcept { return config_; }
    [[nodiscard]] asio::io_context& context() noexcept { return mux_.context(); }

    /// Ends the call: stops the media (RTCP BYE) and asks the SessionOwner to end the dialog
    /// (SIP BYE). Completion signature void(std::error_code): MediaErrc::no_signalling without
    /// an owner, else the owner's result. Works with callbacks, use_awaitable, use_future.
    template <class CompletionToken>
    auto hang_up(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler) {
                auto executor = asio::get_associated_executor(handler, context().get_executor());
                auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                start_hang_up([shared, executor](std::error_code ec) {
                    asio::post(executor, [shared, ec] { std::move (*shared)(ec); });
                });
            },
            token);
    }

protected:
    /// A valid RTP packet from the far end (already unprotected). The view borrows the
    /// receive buffer: copy what you keep.
    virtual void on_packet(const PacketView& packet);
    /// When the packet being delivered to on_packet() arrived (read once per packet, for the
    /// RFC 3550 jitter and for the subclass).
    [[nodiscard]] std::chrono::steady_clock::time_point arrival_time() const noexcept {
        return arrival_time_;
    }
    /// A valid RTCP compound packet, after the session took its reports.
    virtual void on_rtcp(const RtcpCompound& compound);
    /// The far end sent RTCP BYE.
    virtual void on_bye();
    /// A STUN message arrived on the RTP port (RFC 7983).
    virtual void on_stun(std::span<const std::uint8_t> message,
                         const asio::ip::udp::endpoint& from);
    /// A hint, called by prefetch_receive_path() after the session's own lines: what a subclass
    /// touches beyond them when the next packet comes (AudioCall: its jitter buffer's next
    /// slot). Only prefetches belong here. Default: nothing.
    virtual void prefetch_receive_state() const noexcept {}
    /// Asks for the session's own lines that sending or receiving an RTP packet touches (from
    /// the vtable through the numbering, addresses and statistics), for writing. For a
    /// subclass that prepares a send ahead of time (AudioCall's tick); the session, not the
    /// subclass, knows where those fields end. No effect on behaviour.
    void prefetch_packet_state() const noexcept;

private:
    friend class Multiplexer;

    // Called by the Multiplexer; buffer is its receive buffer, writable for in-place SRTP.
    void receive(PacketKind kind, std::span<std::uint8_t> buffer, std::size_t size,
                 const asio::ip::udp::endpoint& from);
    // How well this session matches a datagram on a shared port (higher is better, 0 none).
    [[nodiscard]] int match(const asio::ip::udp::endpoint& from, PacketKind kind,
                            std::uint32_t ssrc) const noexcept;

    void receive_rtp(std::span<std::uint8_t> buffer, std::size_t size,
                     const asio::ip::udp::endpoint& from);
    void receive_rtcp(std::span<std::uint8_t> buffer, std::size_t size,
                      const asio::ip::udp::endpoint& from);
    void take_report_block(const ReportBlock& block);
    void schedule_rtcp(bool first);
    Result<void> send_rtcp(bool bye, std::string_view reason);
    void start_hang_up(SessionOwner::Done done);
    void count_unprotect_failure() noexcept;
    // SessionConfig::strict_source: after a latch to @p source on @p port.
    void lock_source(Multiplexer::Port& port, const asio::ip::udp::endpoint& source);
    // The STUN client on the RTP socket for @p server (made, or remade for another server);
    // nullptr when the session is not open.
    stun::BindingClient* stun_client(const asio::ip::udp::endpoint& server);
    template <class Handler>
    void complete_discovery(Handler handler, std::error_code ec,
                            const asio::ip::udp::endpoint& endpoint) {
        // Never complete inside the initiating call: post to the handler's executor.
        auto executor = asio::get_associated_executor(handler, context().get_executor());
        asio::post(executor, [h = std::move(handler), ec, endpoint]() mutable {
            std::move(h)(ec, endpoint);
        });
    }

    Multiplexer& mux_;
    SessionConfig config_;
    Multiplexer::Binding binding_;
    std::unique_ptr<Transform> transform_;
    SessionOwner* owner_ = nullptr;

    // Sending (RFC 3550 §5.1: random initial values).
    std::uint32_t ssrc_;
    std::uint16_t sequence_;
    std::uint32_t timestamp_;
    std::uint64_t packets_sent_ = 0;
    std::uint64_t octets_sent_ = 0;
    std::uint64_t packets_sent_at_last_report_ = 0;
    std::chrono::steady_clock::time_point last_send_time_{};
    std::uint32_t last_send_timestamp_ = 0;

    // Remote.
    std::optional<asio::ip::udp::endpoint> remote_rtp_;
    std::optional<asio::ip::udp::endpoint> remote_rtcp_;
    std::optional<asio::ip::udp::endpoint> source_rtp_;   // latched (RFC 4961)
    std::optional<asio::ip::udp::endpoint> source_rtcp_;  // latched
    std::optional<std::uint32_t> expected_remote_ssrc_;
    std::optional<std::uint32_t> remote_ssrc_;
    ReceptionStats reception_;
    std::uint64_t late_ = 0;  // counted, but not above the highest sequence so far
    std::uint8_t last_fraction_lost_ = 0;
    std::uint64_t octets_received_ = 0;
    std::uint32_t last_sr_ = 0;  // LSR: middle 32 bits of the far end's last SR
    std::chrono::steady_clock::time_point last_sr_arrival_{};
    std::chrono::steady_clock::time_point arrival_time_{};  // of the RTP packet being received

    // Counters for SessionStats.
    SessionStats counters_;

    // STUN on the RTP socket (async_discover_public_address); made on first use.
    std::unique_ptr<stun::BindingClient> stun_client_;
    asio::ip::udp::endpoint stun_server_;

    bool running_ = false;
    asio::steady_timer rtcp_timer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards queued timer handlers
};

}  // namespace voip::rtp
