// libFuzzer target: the jitter buffer driven by an arbitrary sequence of pushes and pops
// (sequence numbers, timestamps, SSRCs, arrival times and payload sizes all chosen by the
// input). Checks bounded depth and that returned payloads are what was pushed.
#include <voip/rtp/jitter_buffer.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace {
void check(bool condition) {
    if (!condition) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using voip::rtp::JitterBuffer;
    JitterBuffer::Config config;
    config.capacity = 16;
    config.max_payload = 8;
    config.max_delay = std::chrono::milliseconds{200};
    JitterBuffer jb{config};
    std::array<std::uint8_t, 9> payload{};
    std::int64_t now_ms = 0;
    std::size_t at = 0;
    while (at + 8 <= size) {
        const std::uint8_t op = data[at];
        if ((op & 1) != 0) {
            auto f = jb.pop();
            // Bit 1: the caller is at a quiet moment and takes the shrink when one is due.
            if ((op & 2) != 0 && jb.shrink_due()) {
                const auto extra = jb.pop_extra();
                if (extra.kind != JitterBuffer::Frame::Kind::buffering) f = extra;
            }
            if (f.kind == JitterBuffer::Frame::Kind::audio && !f.payload.empty()) {
                // Payloads carry the low byte of their sequence number.
                check(f.payload[0] == static_cast<std::uint8_t>(f.sequence));
            }
            now_ms += 20;
            at += 1;
            continue;
        }
        const auto seq = static_cast<std::uint16_t>((data[at + 1] << 8) | data[at + 2]);
        const std::uint32_t ts =
            (std::uint32_t{data[at + 3]} << 24) | (std::uint32_t{data[at + 4]} << 8) | data[at + 5];
        const std::uint32_t ssrc = data[at + 6] & 0x03;
        const std::size_t length = data[at + 7] % payload.size();
        payload.fill(static_cast<std::uint8_t>(seq));
        now_ms += (op >> 1) & 0x3F;
        (void)jb.push(ssrc, seq, ts, op >> 7, (op & 0x40) != 0,
                      std::span<const std::uint8_t>(payload.data(), length),
                      JitterBuffer::Clock::time_point{std::chrono::milliseconds{now_ms}});
        check(jb.depth_frames() <= config.capacity);
        at += 8;
    }
    const auto s = jb.statistics();
    check(s.target_depth <= config.max_delay + config.frame);
    return 0;
}
