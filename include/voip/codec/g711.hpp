#pragma once
// G.711 µ-law (PCMU, static PT 0) and A-law (PCMA, static PT 8), RFC 3551 §4.5.14: 8 kHz, one
// byte per sample. Coding by spandsp; loss concealment by spandsp's PLC.

#include <voip/codec/codec.hpp>

#include <chrono>
#include <memory>

namespace voip::codec {

/// PCMU/8000, payload type 0, `ptime` per packet.
[[nodiscard]] std::shared_ptr<const Codec> make_pcmu(
    std::chrono::milliseconds ptime = std::chrono::milliseconds{20});
/// PCMA/8000, payload type 8, `ptime` per packet.
[[nodiscard]] std::shared_ptr<const Codec> make_pcma(
    std::chrono::milliseconds ptime = std::chrono::milliseconds{20});

}  // namespace voip::codec
