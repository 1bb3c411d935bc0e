#include "codec/plc.hpp"

#include <new>

namespace voip::codec::detail {

Plc::Plc() : state_(plc_init(nullptr)) {
    if (!state_) throw std::bad_alloc();
}

void Plc::received(std::span<std::int16_t> samples) noexcept {
    if (!samples.empty()) plc_rx(state_.get(), samples.data(), static_cast<int>(samples.size()));
}

void Plc::fill(std::span<std::int16_t> out) noexcept {
    if (!out.empty()) plc_fillin(state_.get(), out.data(), static_cast<int>(out.size()));
}

}  // namespace voip::codec::detail
