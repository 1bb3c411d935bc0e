#pragma once
// Packet loss concealment for waveform codecs (G.711, G.722) with spandsp's plc_rx/plc_fillin:
// it keeps a history of decoded audio and, on loss, repeats the last pitch period with
// overlap-add and a gradual fade (ITU-T G.711 Appendix I style).

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "codec/spandsp.hpp"

namespace voip::codec::detail {

class Plc {
public:
    Plc();
    /// Record good audio (and smooth the join after a concealed gap); modifies `samples`.
    void received(std::span<std::int16_t> samples) noexcept;
    /// Synthesise `out.size()` samples.
    void fill(std::span<std::int16_t> out) noexcept;

private:
    struct Free {
        void operator()(plc_state_t* s) const noexcept { plc_free(s); }
    };
    std::unique_ptr<plc_state_t, Free> state_;
};

}  // namespace voip::codec::detail
