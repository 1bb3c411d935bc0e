#include "codec/plc.hpp"

#include <algorithm>
#include <iterator>

namespace voip::codec::detail {

Plc::Plc() noexcept {
    plc_init(&state_);  // with a state given, spandsp only clears it
}

void Plc::received(std::span<std::int16_t> samples) noexcept {
    if (!samples.empty()) plc_rx(&state_, samples.data(), static_cast<int>(samples.size()));
}

std::span<const std::byte> Plc::next_write(std::size_t samples) const noexcept {
    const std::span<const std::int16_t> history(state_.history);
    const auto at = static_cast<std::size_t>(state_.buf_ptr);
    if (at >= history.size()) return {};
    return std::as_bytes(history.subspan(at, std::min(samples, history.size() - at)));
}

void Plc::fill(std::span<std::int16_t> out) noexcept {
    if (out.empty()) return;
    plc_state_t* s = &state_;
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
