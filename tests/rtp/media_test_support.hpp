#pragma once
// Shared helpers of the media tests: a Session that records what it gets, and a bounded
// event loop runner.

#include <voip/rtp/session.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

namespace voip::test {

/// Runs @p io until @p done() or @p timeout; returns done(). Bounded in time.
template <class Predicate>
bool run_until(asio::io_context& io, Predicate done,
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
}

/// Runs @p io for @p duration.
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_one_for(std::chrono::milliseconds(5));
    }
}

struct Received {
    std::uint16_t sequence;
    std::uint32_t timestamp;
    std::uint32_t ssrc;
    std::uint8_t payload_type;
    bool marker;
    std::vector<std::uint8_t> payload;
};

class RecordingSession : public rtp::Session {
public:
    using Session::Session;

    std::vector<Received> packets;
    int byes = 0;
    int rtcp = 0;
    int stun = 0;

protected:
    void on_packet(const rtp::PacketView& p) override {
        packets.push_back({p.sequence(), p.timestamp(), p.ssrc(), p.payload_type(), p.marker(),
                           std::vector<std::uint8_t>(p.payload().begin(), p.payload().end())});
    }
    void on_rtcp(const rtp::RtcpCompound& /*compound*/) override { ++rtcp; }
    void on_bye() override { ++byes; }
    void on_stun(std::span<const std::uint8_t> /*message*/,
                 const asio::ip::udp::endpoint& /*from*/) override {
        ++stun;
    }
};

/// A 160-byte payload that says which packet it is.
inline std::vector<std::uint8_t> numbered_payload(std::uint32_t index) {
    std::vector<std::uint8_t> p(160);
    for (std::size_t i = 0; i < p.size(); ++i)
        p[i] = static_cast<std::uint8_t>(index * 31 + i);
    p[0] = static_cast<std::uint8_t>(index >> 8);
    p[1] = static_cast<std::uint8_t>(index);
    return p;
}

inline std::uint32_t payload_index(const std::vector<std::uint8_t>& p) {
    return p.size() >= 2 ? (std::uint32_t{p[0]} << 8) | p[1] : 0xFFFFFFFF;
}

}  // namespace voip::test
