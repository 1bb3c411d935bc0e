#pragma once
// Shared helpers of the audio tests: speech from espeak-ng (generated at test time), call
// pairs negotiated by an in-memory SDP offer/answer, a bounded event loop and a delay search
// for normalised cross-correlation.

#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/codec/wav.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/sdp/offer_answer.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace voip::audio::test {

using Clock = std::chrono::steady_clock;

/// Runs @p io until @p done() or @p timeout; returns done(). Bounded in time.
template <class Predicate>
bool run_until(asio::io_context& io, Predicate done, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
        if (Clock::now() > deadline) return false;
        io.restart();
        io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
}

inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
    const auto deadline = Clock::now() + duration;
    while (Clock::now() < deadline) {
        io.restart();
        io.run_one_for(std::chrono::milliseconds(5));
    }
}

/// A multiplexer on 127.0.0.1 with the library's port range (it starts at a random even port,
/// so test processes running side by side do not collide).
inline rtp::Multiplexer::Config loopback_config() {
    rtp::Multiplexer::Config config;
    config.address = asio::ip::make_address("127.0.0.1");
    return config;
}

/// About @p seconds of English speech at @p rate from espeak-ng (one sentence without
/// punctuation, so no pause reaches the 200 ms silence gap), trimmed of leading silence.
inline std::vector<float> speech(std::uint32_t rate, double seconds) {
    const auto wav = std::filesystem::temp_directory_path() /
                     ("voip_audio_" + std::to_string(::getpid()) + "_speech.wav");
    const std::string cmd = "espeak-ng -s 170 -w '" + wav.string() +
                            "' 'the quick brown fox jumps over the lazy dog while seven "
                            "bright yellow birds sing along in the garden' 2>/dev/null";
    const int rc = std::system(cmd.c_str());  // NOLINT(cert-env33-c,concurrency-mt-unsafe)
    EXPECT_EQ(rc, 0) << "espeak-ng failed: " << cmd;
    auto audio = codec::read_wav(wav, rate);
    std::filesystem::remove(wav);
    EXPECT_TRUE(audio) << (audio ? "" : audio.error().message());
    if (!audio) return {};
    auto& s = audio->samples;
    const auto first =
        std::find_if(s.begin(), s.end(), [](float v) { return std::abs(v) > 0.01F; });
    s.erase(s.begin(), first);
    s.resize(std::min(s.size(), static_cast<std::size_t>(seconds * rate)));
    EXPECT_GE(s.size(), static_cast<std::size_t>(seconds * rate * 0.9)) << "speech too short";
    return std::move(s);
}

/// A call type with a per-instance codec preference (AudioCall's is a virtual per class).
template <class Base>
class Prefer : public Base {
public:
    template <class... Args>
    explicit Prefer(std::vector<std::string> codecs, Args&&... args)
        : Base(std::forward<Args>(args)...), codecs_(std::move(codecs)) {}

protected:
    [[nodiscard]] std::vector<std::string> codec_preference() const override { return codecs_; }

private:
    std::vector<std::string> codecs_;
};

/// Offer from @p uac, answer from @p uas (in memory, like SIP would carry them), both started
/// through their own class's start_media (speech's SayCall and TranscribeCall add to
/// AudioCall's, which is not virtual).
template <class Uac, class Uas>
void connect(Uac& uac, Uas& uas, sdp::CryptoPolicy crypto) {
    ASSERT_TRUE(uac.open());
    ASSERT_TRUE(uas.open());
    auto offer_media = uac.local_media("127.0.0.1", crypto);
    ASSERT_TRUE(offer_media) << offer_media.error().message();
    auto offer = sdp::create_offer(*offer_media, {.session_id = 1});
    ASSERT_TRUE(offer) << offer.error().message();
    auto answer_media = uas.local_media("127.0.0.1", crypto);
    ASSERT_TRUE(answer_media) << answer_media.error().message();
    auto answer = sdp::create_answer(*offer, *answer_media, {.session_id = 2});
    ASSERT_TRUE(answer) << answer.error().message();
    auto agreed = sdp::apply_answer(*offer, answer->description);
    ASSERT_TRUE(agreed) << agreed.error().message();
    auto uas_started = uas.start_media(answer->negotiated);
    ASSERT_TRUE(uas_started) << uas_started.error().message();
    auto uac_started = uac.start_media(*agreed);
    ASSERT_TRUE(uac_started) << uac_started.error().message();
}

struct Alignment {
    double correlation = -1;
    std::size_t lag = 0;  ///< test[i + lag] best matches ref[i]
};

inline double correlation_at(std::span<const float> ref, std::span<const float> test,
                             std::size_t lag) {
    if (lag >= test.size()) return -1;
    const std::size_t n = std::min(ref.size(), test.size() - lag);
    double xy = 0;
    double xx = 0;
    double yy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = ref[i];
        const double y = test[i + lag];
        xy += x * y;
        xx += x * x;
        yy += y * y;
    }
    return xy / std::sqrt(std::max(xx * yy, 1e-30));
}

/// Normalised cross-correlation of @p test against @p ref at the best lag: a coarse search on
/// 4× decimated signals, then every lag within ±8 samples at full rate.
inline Alignment align(std::span<const float> ref, std::span<const float> test) {
    constexpr std::size_t k = 4;
    auto decimate = [](std::span<const float> x) {
        std::vector<float> out(x.size() / k);
        for (std::size_t i = 0; i < out.size(); ++i) {
            float s = 0;
            for (std::size_t j = 0; j < k; ++j)
                s += x[i * k + j];
            out[i] = s;
        }
        return out;
    };
    const auto r = decimate(ref);
    const auto t = decimate(test);
    Alignment coarse;
    // Only lags where all of ref fits inside test: a tiny overlap correlates by chance.
    const std::size_t last = t.size() > r.size() ? t.size() - r.size() : 0;
    for (std::size_t lag = 0; lag <= last; ++lag) {
        const double c = correlation_at(r, t, lag);
        if (c > coarse.correlation) coarse = {c, lag};
    }
    Alignment best;
    const std::size_t centre = coarse.lag * k;
    for (std::size_t lag = centre > 8 ? centre - 8 : 0; lag <= centre + 8; ++lag) {
        const double c = correlation_at(ref, test, lag);
        if (c > best.correlation) best = {c, lag};
    }
    return best;
}

}  // namespace voip::audio::test
