#include "codec/plc.hpp"

#include <algorithm>
#include <iterator>
#include <new>

namespace voip::codec::detail {

Plc::Plc() : state_(plc_init(nullptr)) {
    if (!state_) throw std::bad_alloc();
}

void Plc::received(std::span<std::int16_t> samples) noexcept {
    if (!samples.empty()) plc_rx(state_.get(), samples.data(), static_cast<int>(samples.size()));
}

void Plc::fill(std::span<std::int16_t> out) noexcept {
    if (out.empty()) return;
    plc_state_t* s = state_.get();
    if (s->missing_samples == 0 && s->buf_ptr != 0) {
        // spandsp 0.0.6 starts a gap by rotating its circular history into order with
        // overlapping memcpy calls (undefined behaviour, flagged by ASan when the write pointer
        // is in the first half). Do the same rotation safely first; it then has nothing to do.
        std::rotate(std::begin(s->history), std::begin(s->history) + s->buf_ptr,
                    std::end(s->history));
        s->buf_ptr = 0;
    }
    plc_fillin(s, out.data(), static_cast<int>(out.size()));
}

}  // namespace voip::codec::detail
