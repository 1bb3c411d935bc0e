#pragma once
// Test shim: a lossy UDP relay on loopback between two SIP user agents, standing in for
// `tc netem` (the sch_netem qdisc is not available on the CI kernel; see docs/reliability.md).
// Every datagram may be dropped, delayed (base ± jitter), held back further (reordering) or
// sent twice (duplication), drawn from a seeded RNG so a failure can be replayed.
//
// Side A sends to a_facing(); the shim forwards from its B-side socket to B. B answers to the
// B-side socket (RFC 3581 rport makes the UA answer to where the request came from) and the
// shim forwards from its A-side socket to the last address A sent from: a 1:1 NAT with faults.

#include <voip/sip/transport_address.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace voip::reliability {

struct FaultConfig {
    double loss = 0.0;                    ///< probability a datagram is dropped
    std::chrono::milliseconds delay{0};   ///< mean one-way delay
    std::chrono::milliseconds jitter{0};  ///< delay is uniform in [delay - jitter, delay + jitter]
    double reorder = 0.0;                 ///< probability a datagram is held back further...
    std::chrono::milliseconds reorder_by{
        0};                  ///< ...by this much (it overtakes nothing, it is overtaken)
    double duplicate = 0.0;  ///< probability a datagram is also sent a second time
    std::uint32_t seed = 11;
};

/// The faults of issue 11: 20 % loss, 200 ms delay with ±50 ms jitter, 10 % of datagrams held
/// back 300 ms (reordered), 10 % duplicated; @p seed makes a run repeatable.
inline FaultConfig hostile_network(std::uint32_t seed) {
    FaultConfig f;
    f.loss = 0.20;
    f.delay = std::chrono::milliseconds(200);
    f.jitter = std::chrono::milliseconds(50);
    f.reorder = 0.10;
    f.reorder_by = std::chrono::milliseconds(300);
    f.duplicate = 0.10;
    f.seed = seed;
    return f;
}

/// What happened to the datagrams of one direction.
struct FaultStats {
    std::uint64_t received = 0;    ///< datagrams the shim got from the sender
    std::uint64_t dropped = 0;     ///< lost on purpose
    std::uint64_t duplicated = 0;  ///< extra copies scheduled
    std::uint64_t forwarded = 0;   ///< copies delivered to the receiver (duplicates included)
    std::uint64_t reordered = 0;   ///< delivered after a datagram the sender sent later
};

class LossyUdpShim {
public:
    /// Forwards what arrives on the A side to @p b (B's real UDP address).
    LossyUdpShim(asio::io_context& io, const sip::TransportAddress& b, FaultConfig config)
        : io_(io),
          config_(config),
          rng_(config.seed),
          a_side_(io, asio::ip::udp::endpoint(b.address, 0)),
          b_side_(io, asio::ip::udp::endpoint(b.address, 0)),
          b_(b.address, b.port) {
        receive(true);
        receive(false);
    }
    LossyUdpShim(const LossyUdpShim&) = delete;
    LossyUdpShim& operator=(const LossyUdpShim&) = delete;
    ~LossyUdpShim() { *alive_ = false; }

    /// Where A must send (its "B").
    [[nodiscard]] sip::TransportAddress a_facing() const {
        const auto ep = a_side_.local_endpoint();
        return {sip::TransportKind::udp, ep.address(), ep.port()};
    }
    /// The far end vanishes (or comes back): while set, everything is dropped both ways.
    void set_blackhole(bool on) noexcept { blackhole_ = on; }
    /// Make dialogs route their in-dialog requests through the shim too, as a record-routing
    /// proxy would (RFC 3261 §16.6 step 4): INVITEs from A get `Record-Route: <B side;lr>,
    /// <A side;lr>`, so B's route set starts at the B side and A's (reversed) at the A side.
    /// Without it, BYE and ACK would go straight to the Contact and miss the faults.
    void set_record_route(bool on) noexcept { record_route_ = on; }

    [[nodiscard]] const FaultStats& a_to_b() const noexcept { return dir_[0]; }
    [[nodiscard]] const FaultStats& b_to_a() const noexcept { return dir_[1]; }

private:
    struct Direction {
        std::uint64_t sent_seq = 0;     // sequence number given to each datagram in
        std::uint64_t highest_out = 0;  // highest sequence number delivered so far (+1)
    };

    void receive(bool from_a) {
        auto& socket = from_a ? a_side_ : b_side_;
        auto& buffer = from_a ? a_buffer_ : b_buffer_;
        auto& sender = from_a ? a_sender_ : b_sender_;
        socket.async_receive_from(
            asio::buffer(buffer), sender,
            [this, from_a, alive = alive_](std::error_code ec, std::size_t n) {
                if (!*alive || ec == asio::error::operation_aborted) return;
                if (!ec) on_datagram(from_a, n);
                receive(from_a);
            });
    }

    void on_datagram(bool from_a, std::size_t n) {
        auto& buffer = from_a ? a_buffer_ : b_buffer_;
        if (from_a) a_ = a_sender_;  // latch A's address (its source port)
        FaultStats& stats = dir_[from_a ? 0 : 1];
        Direction& dir = seq_[from_a ? 0 : 1];
        ++stats.received;
        const std::uint64_t seq = ++dir.sent_seq;
        if (blackhole_ || chance(config_.loss) || (!from_a && !a_)) {
            ++stats.dropped;
            return;
        }
        auto bytes = std::make_shared<std::string>(buffer.data(), n);
        if (from_a && record_route_ && bytes->starts_with("INVITE ")) insert_record_route(*bytes);
        schedule(from_a, bytes, seq);
        if (chance(config_.duplicate)) {
            ++stats.duplicated;
            schedule(from_a, bytes, seq);
        }
    }

    void schedule(bool from_a, const std::shared_ptr<std::string>& bytes, std::uint64_t seq) {
        auto delay = config_.delay;
        if (config_.jitter.count() > 0) {
            std::uniform_int_distribution<std::int64_t> spread(-config_.jitter.count(),
                                                               config_.jitter.count());
            delay += std::chrono::milliseconds(spread(rng_));
        }
        if (chance(config_.reorder)) delay += config_.reorder_by;
        delay = std::max(delay, std::chrono::milliseconds(0));
        auto timer = std::make_shared<asio::steady_timer>(io_, delay);
        timer->async_wait([this, timer, bytes, seq, from_a, alive = alive_](std::error_code ec) {
            if (ec || !*alive || blackhole_) return;
            FaultStats& stats = dir_[from_a ? 0 : 1];
            Direction& dir = seq_[from_a ? 0 : 1];
            if (seq < dir.highest_out) ++stats.reordered;
            dir.highest_out = std::max(dir.highest_out, seq);
            ++stats.forwarded;
            std::error_code ignored;
            auto& out = from_a ? b_side_ : a_side_;
            out.send_to(asio::buffer(*bytes), from_a ? b_ : *a_, 0, ignored);
        });
    }

    void insert_record_route(std::string& message) const {
        const auto eol = message.find("\r\n");
        if (eol == std::string::npos) return;
        const auto a = a_side_.local_endpoint();
        const auto b = b_side_.local_endpoint();
        const std::string line =
            "Record-Route: <sip:" + b.address().to_string() + ":" + std::to_string(b.port()) +
            ";lr>, <sip:" + a.address().to_string() + ":" + std::to_string(a.port()) + ";lr>\r\n";
        message.insert(eol + 2, line);
        // Content-Length counts the body only: unchanged.
    }

    bool chance(double p) {
        if (p <= 0) return false;
        return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
    }

    asio::io_context& io_;
    FaultConfig config_;
    std::mt19937 rng_;
    asio::ip::udp::socket a_side_;
    asio::ip::udp::socket b_side_;
    asio::ip::udp::endpoint b_;
    std::optional<asio::ip::udp::endpoint> a_;
    asio::ip::udp::endpoint a_sender_;
    asio::ip::udp::endpoint b_sender_;
    std::array<char, 65536> a_buffer_{};
    std::array<char, 65536> b_buffer_{};
    std::array<FaultStats, 2> dir_{};
    std::array<Direction, 2> seq_{};
    bool blackhole_ = false;
    bool record_route_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace voip::reliability
