#pragma once
// Opus (libopus), RFC 7587. SDP always says "opus/48000/2" and the RTP clock always runs at
// 48 kHz (§4.1, §7), whatever rate our encoder and decoder run at internally; we send mono voice.
// The remote a=fmtp (§6.1) tunes our encoder: useinbandfec, usedtx, cbr, maxaveragebitrate,
// maxplaybackrate. Decoders conceal loss with Opus PLC and recover a lost packet from the next
// one's in-band FEC (LBRR, §3.3).

#include <voip/codec/codec.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace voip::codec {

struct OpusConfig {
    /// Rate of the PCM we hand to and get from libopus: 8000, 12000, 16000, 24000 or 48000.
    /// Running at 16 kHz saves resampling in a 16 kHz pipeline; the RTP clock stays 48 kHz.
    std::uint32_t sample_rate = 48000;
    int complexity = 9;              ///< 0..10, encoder CPU vs quality
    std::uint32_t bitrate = 32000;   ///< target bit/s (capped by maxaveragebitrate)
    bool fec = true;                 ///< send in-band FEC when the remote asks for it
    int expected_loss_percent = 10;  ///< tells the encoder how much FEC to spend
    /// Discontinuous transmission (also when the remote says usedtx=1): in silence the encoder
    /// returns payloads of at most 2 bytes, which need not be sent.
    bool dtx = false;
    std::chrono::milliseconds ptime{20};  ///< 10, 20, 40 or 60
    int payload_type = 111;               ///< suggested dynamic payload type
};

[[nodiscard]] std::shared_ptr<const Codec> make_opus(const OpusConfig& config = {});

}  // namespace voip::codec
