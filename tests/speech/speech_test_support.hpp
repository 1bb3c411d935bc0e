#pragma once
// Shared helpers of the speech tests: the engines, made once for the whole test program
// (PocketSphinx takes about half a second to load), and fake engines for call tests that do
// not need real ones.

#include <voip/rtp/multiplexer.hpp>
#include <voip/speech/flite_tts.hpp>
#include <voip/speech/pocketsphinx_stt.hpp>
#include <voip/speech/speech_to_text.hpp>
#include <voip/speech/text_to_speech.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace voip::speech::test {

/// A loopback multiplexer whose ports start at a random even port in 20000-29998: every
/// process starts at the same first port otherwise, and a session that has not latched yet
/// takes the first stream that arrives, so a port just left by another test process that is
/// still being sent to would feed this test someone else's audio.
inline rtp::Multiplexer::Config loopback() {
    static std::mt19937 random{std::random_device{}()};
    rtp::Multiplexer::Config config;
    config.address = asio::ip::make_address("127.0.0.1");
    config.first_port =
        static_cast<std::uint16_t>(20000 + 2 * std::uniform_int_distribution<int>(0, 4999)(random));
    config.last_port = 32767;
    return config;
}

/// The sentence of issue 9's measurement.
inline constexpr const char* package_sentence = "your package has arrived";

#if VOIP_HAVE_FLITE
inline std::shared_ptr<FliteTts> shared_tts() {
    static auto engine = FliteTts::create();
    return engine ? *engine : nullptr;
}
#endif

#if VOIP_HAVE_POCKETSPHINX
inline std::shared_ptr<PocketSphinxStt> shared_stt() {
    static auto engine = PocketSphinxStt::create();
    return engine ? *engine : nullptr;
}
#endif

/// A TextToSpeech that "speaks" a 300 Hz tone burst, 50 ms per character, at 8 kHz (so the
/// call has to resample it), and counts its calls.
class ToneTts final : public TextToSpeech {
public:
    Result<Audio> synthesize(std::string_view text) override {
        ++calls;
        Audio audio;
        audio.rate = 8000;
        const std::size_t n = text.size() * 400;
        audio.samples.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            audio.samples.push_back(
                0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * 300.0 * i / audio.rate)));
        }
        return audio;
    }
    std::atomic<int> calls{0};
};

/// A SpeechToText that reports the length of what it got and on which thread, after an
/// optional delay (to keep a transcription in flight).
class FakeStt final : public SpeechToText {
public:
    explicit FakeStt(std::chrono::milliseconds delay = {}) : delay_(delay) {}
    Result<std::string> transcribe(std::span<const float> samples, std::uint32_t rate) override {
        {
            const std::lock_guard lock{mutex_};
            threads_.push_back(std::this_thread::get_id());
        }
        started.store(true);
        std::this_thread::sleep_for(delay_);
        ++calls;
        return "samples " + std::to_string(samples.size()) + " at " + std::to_string(rate);
    }
    [[nodiscard]] std::vector<std::thread::id> threads() const {
        const std::lock_guard lock{mutex_};
        return threads_;
    }
    std::atomic<int> calls{0};
    std::atomic<bool> started{false};

private:
    std::chrono::milliseconds delay_;
    mutable std::mutex mutex_;
    std::vector<std::thread::id> threads_;
};

}  // namespace voip::speech::test
