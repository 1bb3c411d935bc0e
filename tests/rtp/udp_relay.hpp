#pragma once
// Test shim: a UDP relay between two media endpoints A and B that injects loss, delay and
// reordering from a seeded RNG, and keeps its own reference figures (what it dropped, the
// RFC 3550 §A.8 jitter of the stream as it forwarded it) to check a receiver against.
//
// A sends to a_facing(), B sends to b_facing(); the relay forwards from the other socket, so
// each side sees one stable peer address. RTCP (RFC 5761 PT 192-223) is delayed like RTP
// but never dropped.

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

namespace voip::test {

struct RelayConfig {
    double loss = 0.0;                         ///< probability an RTP packet is dropped
    std::chrono::microseconds base_delay{0};   ///< every datagram waits this long
    std::chrono::microseconds extra_delay{0};  ///< plus uniform [0, extra_delay]
    std::uint32_t clock_rate = 8000;           ///< for the reference jitter
    std::uint32_t seed = 7;
};

/// What happened to the RTP of one direction.
struct RelayDirectionStats {
    std::uint64_t received = 0;  ///< RTP datagrams from the sender
    std::uint64_t dropped = 0;
    std::uint64_t forwarded = 0;
    std::uint64_t reordered = 0;  ///< forwarded after a packet with a higher sequence number
    std::uint64_t rtcp = 0;       ///< RTCP datagrams forwarded
    double jitter = 0.0;          ///< §A.8 over forward instants, timestamp units

    /// Every RTP packet received is dropped or forwarded (none waiting in a delay timer).
    [[nodiscard]] bool settled(std::uint64_t expected_total) const {
        return received == expected_total && dropped + forwarded == received;
    }

    /// The loss a receiver applying RFC 3550 §A.3 to the forwarded stream must find:
    /// expected (highest - first forwarded + 1) minus forwarded. It differs from `dropped`
    /// only at the edges: drops after the last forwarded packet are invisible, and packets
    /// overtaken by the very first one count as received but not as expected.
    [[nodiscard]] std::int64_t reference_lost() const {
        if (first_forwarded < 0) return 0;
        return (highest_forwarded - first_forwarded + 1) - static_cast<std::int64_t>(forwarded);
    }

    // bookkeeping
    std::int64_t highest_forwarded = -1;
    std::int64_t first_forwarded = -1;
    std::int64_t cycles = 0;
    std::int64_t last_seq_in = -1;
    bool have_transit = false;
    std::int32_t last_transit = 0;
};

class UdpRelay {
public:
    UdpRelay(asio::io_context& io, const asio::ip::address& address, RelayConfig config)
        : io_(io),
          config_(config),
          rng_(config.seed),
          a_side_(io, asio::ip::udp::endpoint(address, 0)),
          b_side_(io, asio::ip::udp::endpoint(address, 0)) {
        receive(a_side_, a_sender_, a_buffer_, true);
        receive(b_side_, b_sender_, b_buffer_, false);
    }

    /// Where A must send (its "remote").
    asio::ip::udp::endpoint a_facing() const { return a_side_.local_endpoint(); }
    /// Where B must send.
    asio::ip::udp::endpoint b_facing() const { return b_side_.local_endpoint(); }
    /// The real addresses of A and B.
    void connect(const asio::ip::udp::endpoint& a, const asio::ip::udp::endpoint& b) {
        a_ = a;
        b_ = b;
    }

    const RelayDirectionStats& a_to_b() const { return a_to_b_; }
    const RelayDirectionStats& b_to_a() const { return b_to_a_; }

private:
    using Buffer = std::array<std::uint8_t, 2048>;

    void receive(asio::ip::udp::socket& socket, asio::ip::udp::endpoint& sender, Buffer& buffer,
                 bool from_a) {
        socket.async_receive_from(
            asio::buffer(buffer), sender,
            [this, &socket, &sender, &buffer, from_a](std::error_code ec, std::size_t n) {
                if (ec == asio::error::operation_aborted) return;
                if (!ec)
                    handle(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + n), from_a);
                receive(socket, sender, buffer, from_a);
            });
    }

    static bool is_rtcp(const std::vector<std::uint8_t>& d) {
        return d.size() >= 2 && d[1] >= 192 && d[1] <= 223;
    }

    void handle(std::vector<std::uint8_t> datagram, bool from_a) {
        auto& stats = from_a ? a_to_b_ : b_to_a_;
        const bool rtcp = is_rtcp(datagram);
        std::int64_t ext = -1;
        if (!rtcp && datagram.size() >= 12) {
            ++stats.received;
            const std::int64_t seq = (datagram[2] << 8) | datagram[3];
            // The sender emits in order on loopback: a decrease is a wrap.
            if (stats.last_seq_in >= 0 && seq < stats.last_seq_in) stats.cycles += 65536;
            stats.last_seq_in = seq;
            ext = stats.cycles + seq;
            if (std::bernoulli_distribution(config_.loss)(rng_)) {
                ++stats.dropped;
                return;
            }
        }
        auto delay = config_.base_delay;
        if (config_.extra_delay.count() > 0) {
            delay += std::chrono::microseconds(
                std::uniform_int_distribution<std::int64_t>(0, config_.extra_delay.count())(rng_));
        }
        auto timer = std::make_shared<asio::steady_timer>(io_, delay);
        timer->async_wait(
            [this, timer, data = std::move(datagram), from_a, rtcp, ext](std::error_code ec) {
                if (ec) return;
                forward(data, from_a, rtcp, ext);
            });
    }

    void forward(const std::vector<std::uint8_t>& data, bool from_a, bool rtcp, std::int64_t ext) {
        auto& stats = from_a ? a_to_b_ : b_to_a_;
        auto& out = from_a ? b_side_ : a_side_;
        const auto& to = from_a ? b_ : a_;
        std::error_code ec;
        out.send_to(asio::buffer(data), to, 0, ec);
        if (rtcp) {
            ++stats.rtcp;
            return;
        }
        if (ext < 0) return;
        ++stats.forwarded;
        if (stats.first_forwarded < 0) stats.first_forwarded = ext;
        if (ext < stats.highest_forwarded) ++stats.reordered;
        if (ext > stats.highest_forwarded) stats.highest_forwarded = ext;
        // RFC 3550 §A.8 over the instant this packet left the relay.
        const std::uint32_t ts = (std::uint32_t{data[4]} << 24) | (std::uint32_t{data[5]} << 16) |
                                 (std::uint32_t{data[6]} << 8) | data[7];
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
        const auto arrival = static_cast<std::uint32_t>(static_cast<std::uint64_t>(us) *
                                                        config_.clock_rate / 1000000);
        const auto transit = static_cast<std::int32_t>(arrival - ts);
        if (stats.have_transit) {
            const double d = std::fabs(static_cast<double>(transit - stats.last_transit));
            stats.jitter += (d - stats.jitter) / 16.0;
        }
        stats.last_transit = transit;
        stats.have_transit = true;
    }

    asio::io_context& io_;
    RelayConfig config_;
    std::mt19937 rng_;
    asio::ip::udp::socket a_side_;
    asio::ip::udp::socket b_side_;
    asio::ip::udp::endpoint a_sender_, b_sender_, a_, b_;
    Buffer a_buffer_{}, b_buffer_{};
    RelayDirectionStats a_to_b_, b_to_a_;
};

}  // namespace voip::test
