#include <voip/codec/error.hpp>
#include <voip/codec/inband_dtmf.hpp>
#include <voip/codec/samples.hpp>
#include <voip/codec/telephone_event.hpp>

#include <array>
#include <new>

#include "codec/spandsp.hpp"

namespace voip::codec {
namespace {
constexpr std::size_t chunk = 160;  // 20 ms at 8 kHz
}  // namespace

struct InbandDtmfDetector::State {
    struct Free {
        void operator()(dtmf_rx_state_t* s) const noexcept { dtmf_rx_free(s); }
    };
    std::unique_ptr<dtmf_rx_state_t, Free> rx{dtmf_rx_init(nullptr, nullptr, nullptr)};
    std::array<std::int16_t, chunk> pcm{};
};

InbandDtmfDetector::InbandDtmfDetector() : state_(std::make_unique<State>()) {
    if (!state_->rx) throw std::bad_alloc();
}
InbandDtmfDetector::~InbandDtmfDetector() = default;
InbandDtmfDetector::InbandDtmfDetector(InbandDtmfDetector&&) noexcept = default;
InbandDtmfDetector& InbandDtmfDetector::operator=(InbandDtmfDetector&&) noexcept = default;

std::string InbandDtmfDetector::process(std::span<const float> samples_8k) {
    std::string digits;
    std::array<char, MAX_DTMF_DIGITS + 1> buffer{};
    while (!samples_8k.empty()) {
        const std::size_t n = std::min(samples_8k.size(), chunk);
        to_int16(samples_8k.first(n), state_->pcm);
        dtmf_rx(state_->rx.get(), state_->pcm.data(), static_cast<int>(n));
        samples_8k = samples_8k.subspan(n);
        // Drain after every chunk so the detector's 128-digit buffer can never overflow.
        const std::size_t got = dtmf_rx_get(state_->rx.get(), buffer.data(), MAX_DTMF_DIGITS);
        digits.append(buffer.data(), got);
    }
    return digits;
}

struct InbandDtmfGenerator::State {
    struct Free {
        void operator()(dtmf_tx_state_t* s) const noexcept { dtmf_tx_free(s); }
    };
    std::unique_ptr<dtmf_tx_state_t, Free> tx{dtmf_tx_init(nullptr)};
    std::array<std::int16_t, chunk> pcm{};
};

InbandDtmfGenerator::InbandDtmfGenerator(int on_ms, int off_ms, int level_dbm0)
    : state_(std::make_unique<State>()) {
    if (!state_->tx) throw std::bad_alloc();
    dtmf_tx_set_timing(state_->tx.get(), on_ms, off_ms);
    dtmf_tx_set_level(state_->tx.get(), level_dbm0, 0);
}
InbandDtmfGenerator::~InbandDtmfGenerator() = default;
InbandDtmfGenerator::InbandDtmfGenerator(InbandDtmfGenerator&&) noexcept = default;
InbandDtmfGenerator& InbandDtmfGenerator::operator=(InbandDtmfGenerator&&) noexcept = default;

Result<void> InbandDtmfGenerator::add(std::string_view digits) {
    for (const char d : digits) {
        if (!dtmf_event_code(d)) return Errc::invalid_parameter;
    }
    if (digits.empty()) return {};
    const int put = dtmf_tx_put(state_->tx.get(), digits.data(), static_cast<int>(digits.size()));
    if (put != 0) return Errc::buffer_too_small;  // spandsp queues all or nothing
    return {};
}

std::size_t InbandDtmfGenerator::generate(std::span<float> out) {
    std::size_t written = 0;
    while (written < out.size()) {
        const std::size_t want = std::min(out.size() - written, chunk);
        const int n = dtmf_tx(state_->tx.get(), state_->pcm.data(), static_cast<int>(want));
        if (n <= 0) break;
        to_float(std::span<const std::int16_t>{state_->pcm.data(), static_cast<std::size_t>(n)},
                 out.subspan(written));
        written += static_cast<std::size_t>(n);
    }
    return written;
}

}  // namespace voip::codec
