// media_loopback: two calls on 127.0.0.1, negotiated by an SDP offer/answer in memory (Opus,
// SRTP). One speaks a sentence, the other is an EchoCall that plays each utterance back; the
// speaker records the echo and we check it really is what was said.
#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/codec/wav.hpp>
#include <voip/sdp/offer_answer.hpp>

#include <asio/io_context.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <numbers>
#include <vector>

using namespace std::chrono_literals;

// The caller: records everything it hears.
class Speaker : public voip::AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<float> heard;
    bool done_speaking = false;

protected:
    void on_audio(std::span<const float> samples, float) override {
        heard.insert(heard.end(), samples.begin(), samples.end());
    }
    void on_audio_sent() override { done_speaking = true; }
};

// Best normalised cross-correlation of `echo` against `sent` over all lags (coarse on 4x
// decimated signals, then refined at full rate).
double correlation(const std::vector<float>& sent, const std::vector<float>& echo) {
    auto at = [](const std::vector<float>& x, const std::vector<float>& y, std::size_t lag) {
        double xy = 0, xx = 0, yy = 0;
        for (std::size_t i = 0; i < x.size() && i + lag < y.size(); ++i) {
            xy += x[i] * y[i + lag], xx += x[i] * x[i], yy += y[i + lag] * y[i + lag];
        }
        return xy / std::sqrt(std::max(xx * yy, 1e-30));
    };
    auto decimate = [](const std::vector<float>& x) {
        std::vector<float> d(x.size() / 4);
        for (std::size_t i = 0; i < d.size(); ++i)
            d[i] = x[4 * i] + x[4 * i + 1] + x[4 * i + 2] + x[4 * i + 3];
        return d;
    };
    const auto s = decimate(sent), e = decimate(echo);
    std::size_t best_lag = 0;
    double best = -1;
    for (std::size_t lag = 0; lag + s.size() <= e.size(); ++lag) {
        if (const double c = at(s, e, lag); c > best) best = c, best_lag = lag;
    }
    best = -1;
    for (std::size_t lag = best_lag * 4 > 8 ? best_lag * 4 - 8 : 0; lag <= best_lag * 4 + 8; ++lag)
        best = std::max(best, at(sent, echo, lag));
    return best;
}

int run() {
    constexpr std::uint32_t rate = 16000;
    constexpr double threshold = 0.7;
    // Speech from espeak-ng if it is installed, else a tone sequence (and we say so).
    const auto wav = std::filesystem::temp_directory_path() / "media_loopback_speech.wav";
    std::vector<float> speech;
    // NOLINTNEXTLINE(concurrency-mt-unsafe,cert-env33-c): a fixed command, single-threaded here
    if (std::system(("espeak-ng -w '" + wav.string() +
                     "' 'hello this is libvoip talking to itself over secure real time transport' "
                     "2>/dev/null")
                        .c_str()) == 0) {
        if (auto audio = voip::codec::read_wav(wav, rate)) speech = std::move(audio->samples);
        std::filesystem::remove(wav);
        std::printf("speaking a sentence synthesised by espeak-ng (%.1f s)\n",
                    static_cast<double>(speech.size()) / rate);
    }
    if (speech.empty()) {
        for (const double hz : {440.0, 660.0, 550.0, 880.0}) {
            for (std::uint32_t i = 0; i < rate / 2; ++i) {
                speech.push_back(
                    0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * hz * i / rate)));
            }
        }
        std::printf("espeak-ng not available: sending a tone sequence instead of speech (2 s)\n");
    }

    asio::io_context io;
    voip::rtp::Multiplexer::Config mc;
    mc.address = asio::ip::make_address("127.0.0.1");
    voip::rtp::Multiplexer caller_mux(io, mc), callee_mux(io, mc);
    voip::AudioConfig config;
    config.session.rtcp_interval = 1s;  // reports (and RTT) within the few seconds we run
    Speaker caller(caller_mux, config);
    voip::EchoCall callee(callee_mux, config);

    // Offer/answer in memory: what SIP would carry in INVITE and 200 OK.
    const auto policy = voip::sdp::CryptoPolicy::required;
    if (!caller.open() || !callee.open()) return std::fprintf(stderr, "cannot open RTP ports\n"), 1;
    const auto offer =
        voip::sdp::create_offer(caller.local_media("127.0.0.1", policy).value(), {.session_id = 1})
            .value();
    const auto answer =
        voip::sdp::create_answer(offer, callee.local_media("127.0.0.1", policy).value(),
                                 {.session_id = 2})
            .value();
    const auto agreed = voip::sdp::apply_answer(offer, answer.description).value();
    if (auto r = callee.start_media(answer.negotiated); !r)
        return std::fprintf(stderr, "callee: %s\n", r.error().message().c_str()), 1;
    if (auto r = caller.start_media(agreed); !r)
        return std::fprintf(stderr, "caller: %s\n", r.error().message().c_str()), 1;
    std::printf("codec %s/%u, SRTP %s\n", agreed.codec.name.c_str(), agreed.codec.clock_rate,
                caller.srtp_suite().c_str());

    caller.send_audio(speech);
    // Until the echo has been sent back in full (bounded), then a little longer to hear its end.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!(caller.done_speaking && callee.utterances() > 0 && callee.queued_samples() == 0) &&
           std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(10ms);
    }
    io.restart();
    io.run_for(1500ms);

    const auto s = caller.stats();
    const auto a = caller.audio_stats();
    const double c = correlation(speech, caller.heard);
    std::printf(
        "packets sent %llu, received %llu, lost %lld, jitter %.2f ms, RTT %s\n",
        static_cast<unsigned long long>(s.packets_sent),
        static_cast<unsigned long long>(s.packets_received), static_cast<long long>(s.packets_lost),
        static_cast<double>(a.jitter.count()) / 1000.0,
        s.round_trip_time
            ? (std::to_string(static_cast<double>(s.round_trip_time->count()) / 1000.0) + " ms")
                  .c_str()
            : "not measured yet");
    std::printf(
        "utterances echoed %llu, correlation of the echo with what was sent %.3f (threshold "
        "%.2f)\n",
        static_cast<unsigned long long>(callee.utterances()), c, threshold);
    const bool ok = s.packets_received > 0 && callee.utterances() > 0 && c > threshold;
    std::printf("%s\n", ok ? "OK: audio flowed and came back" : "FAILED: no usable echo");
    return ok ? 0 : 1;
}

int main() {
    try {
        return run();
    } catch (const std::exception& e) {  // .value() on a failed setup step
        std::fprintf(stderr, "setup failed: %s\n", e.what());
        return 1;
    }
}
