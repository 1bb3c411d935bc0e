#pragma once
// G.722 at 64 kbit/s (static PT 9), coded by spandsp. RFC 3551 §4.5.2: the SDP and the RTP clock
// say 8000 Hz for historical reasons, but the codec samples at 16 kHz: a 20 ms packet carries
// 320 samples in 160 bytes and advances the RTP timestamp by 160. Format::sample_rate is 16000
// and Format::clock_rate is 8000; use Format's helpers to convert.

#include <voip/codec/codec.hpp>

#include <chrono>
#include <memory>

namespace voip::codec {

[[nodiscard]] std::shared_ptr<const Codec> make_g722(
    std::chrono::milliseconds ptime = std::chrono::milliseconds{20});

}  // namespace voip::codec
