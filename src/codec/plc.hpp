#pragma once
// Packet loss concealment for waveform codecs (G.711, G.722) with spandsp's plc_rx/plc_fillin:
// it keeps a history of decoded audio and, on loss, repeats the last pitch period with
// overlap-add and a gradual fade (ITU-T G.711 Appendix I style).

#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/spandsp.hpp"

namespace voip::codec::detail {

class Plc {
public:
    Plc() noexcept;
    /// Record good audio (and smooth the join after a concealed gap); modifies `samples`.
    void received(std::span<std::int16_t> samples) noexcept;
    /// Synthesise `out.size()` samples.
    void fill(std::span<std::int16_t> out) noexcept;
    /// Where the next received() of @p samples writes its history, up to the ring's end (the
    /// rest wraps to its start): a hint for Decoder::next_state_write.
    [[nodiscard]] std::span<const std::byte> next_write(std::size_t samples) const noexcept;

private:
    // Held by value (spandsp initialises a caller's state, and its release frees nothing), so
    // that the decoder holding it is one block with it instead of a pointer to a second one.
    plc_state_t state_{};
};

}  // namespace voip::codec::detail
