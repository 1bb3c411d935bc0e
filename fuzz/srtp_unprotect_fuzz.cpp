// libFuzzer target: the receive side of the media path — SRTP/SRTCP unprotect (RFC 3711,
// libsrtp2 behind srtp::Context) of arbitrary bytes, then the RFC 7983 classifier and the RTP
// parser on what comes out. No crash, no out-of-bounds access, and every failure is counted.
//
// Input: byte 0 picks the suite (bits 0-1), SRTCP (bit 2) and whether the rest is first
// protected with the same key (bit 3) so valid packets, and their tampered copies (bit 4
// flips one byte chosen by byte 1), reach the decrypt-and-dispatch path too.
#include <voip/rtp/demux.hpp>
#include <voip/rtp/packet.hpp>
#include <voip/srtp/context.hpp>
#include <voip/srtp/key_material.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace {

void check(bool condition) {
    if (!condition) __builtin_trap();
}

using voip::srtp::Context;
using voip::srtp::KeyMaterial;
using voip::srtp::Suite;

KeyMaterial key_for(Suite suite) {
    // A fixed key: findings must reproduce.
    std::array<std::uint8_t, KeyMaterial::max_length> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(i * 7 + 1);
    const std::size_t length = suite == Suite::aead_aes_128_gcm ? 28 : 30;
    return KeyMaterial::from_bytes(suite, std::span(bytes.data(), length)).value();
}

std::uint64_t failures(const voip::srtp::Stats& s) {
    return s.authentication_failures + s.replay_failures + s.other_failures;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t control = data[0];
    const std::uint8_t where = data[1];
    static constexpr std::array<Suite, 4> suites{
        Suite::aes_cm_128_hmac_sha1_80, Suite::aes_cm_128_hmac_sha1_32, Suite::aead_aes_128_gcm,
        Suite::aes_cm_128_hmac_sha1_80};
    const Suite suite = suites[control & 3U];
    const bool rtcp = (control & 4U) != 0;
    const bool protect_first = (control & 8U) != 0;
    const bool tamper = (control & 16U) != 0;

    const KeyMaterial key = key_for(suite);
    auto inbound = Context::create(key, Context::Direction::inbound);
    check(inbound.has_value());

    // Room for protect's trailer, as the multiplexer's receive buffer has.
    std::vector<std::uint8_t> buffer(size - 2 + Context::max_trailer);
    std::copy(data + 2, data + size, buffer.begin());
    std::size_t length = size - 2;

    if (protect_first) {
        auto outbound = Context::create(key, Context::Direction::outbound);
        check(outbound.has_value());
        auto protected_length =
            rtcp ? outbound->protect_rtcp(buffer, length) : outbound->protect(buffer, length);
        if (!protected_length) return 0;  // not a packet libsrtp will protect
        check(*protected_length <= buffer.size());
        length = *protected_length;
        if (tamper && length > 0) buffer[where % length] ^= 0x01;
    }

    const std::uint64_t failures_before = failures(inbound->stats());
    auto plain =
        rtcp ? inbound->unprotect_rtcp(buffer, length) : inbound->unprotect(buffer, length);
    if (!plain) {
        // RFC 3711 §3.3: a packet that fails is dropped and counted, never delivered.
        check(failures(inbound->stats()) == failures_before + 1);
        return 0;
    }
    check(*plain <= length);
    check(failures(inbound->stats()) == failures_before);
    // What the session does next: classify, then parse RTP.
    const std::span<const std::uint8_t> packet(buffer.data(), *plain);
    (void)voip::rtp::classify(packet);
    if (!rtcp) {
        if (auto view = voip::rtp::PacketView::parse(packet)) {
            check(view->header_size() + view->payload().size() + view->padding_size() ==
                  packet.size());
        }
    }
    return 0;
}
