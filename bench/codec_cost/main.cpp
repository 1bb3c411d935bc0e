// bench/codec_cost: what one 20 ms frame costs to encode and decode, per codec, on real speech.
//
// The speech comes from espeak-ng at start-up (as in the codec tests); without espeak-ng the
// program says so and uses a synthetic voiced signal (harmonics of a gliding 120 Hz pitch plus
// noise), which loads the codecs similarly but not identically. Each iteration encodes one
// frame and decodes the payload, cycling through the whole recording, so the figure is the
// steady per-frame CPU of one direction of a call. "x_realtime" is seconds of audio coded per
// CPU second; "bytes/frame" the mean payload size.
//
// Flags: Google Benchmark's own (e.g. --benchmark_filter=Opus).

#include <voip/codec/g711.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/opus.hpp>
#include <voip/codec/wav.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <unistd.h>

namespace {

using voip::codec::Codec;

std::vector<float> synthetic_voice(std::uint32_t rate) {
    std::vector<float> out(std::size_t{rate} * 5);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0F, 0.01F);
    double phase = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double t = static_cast<double>(i) / rate;
        const double f0 = 120.0 + 30.0 * std::sin(2 * std::numbers::pi * 0.7 * t);
        phase += 2 * std::numbers::pi * f0 / rate;
        double v = 0;
        for (int h = 1; h <= 20 && h * f0 < rate / 2.0; ++h)
            v += std::sin(h * phase) / h;
        out[i] =
            static_cast<float>(0.2 * v * (0.6 + 0.4 * std::sin(2 * std::numbers::pi * 3 * t))) +
            noise(rng);
    }
    return out;
}

const std::vector<float>& speech(std::uint32_t rate) {
    static std::map<std::uint32_t, std::vector<float>> cache;
    if (auto it = cache.find(rate); it != cache.end()) return it->second;
    const auto wav = std::filesystem::temp_directory_path() /
                     ("voip_codec_cost_" + std::to_string(::getpid()) + ".wav");
    const std::string cmd = "espeak-ng -s 150 -w '" + wav.string() +
                            "' 'The quick brown fox jumps over the lazy dog. Please call me "
                            "back at five five five, one two three four.' 2>/dev/null";
    std::vector<float> samples;
    if (std::system(cmd.c_str()) == 0) {  // NOLINT(cert-env33-c,concurrency-mt-unsafe): fixture
        if (auto audio = voip::codec::read_wav(wav, rate)) samples = std::move(audio->samples);
    }
    std::filesystem::remove(wav);
    if (samples.empty()) {
        std::fprintf(stderr, "codec_cost: espeak-ng unavailable, using a synthetic voice\n");
        samples = synthetic_voice(rate);
    }
    return cache.emplace(rate, std::move(samples)).first->second;
}

void run(benchmark::State& state, const std::shared_ptr<const Codec>& codec,
         const std::string& fmtp) {
    const auto& format = codec->format();
    auto enc = codec->make_encoder(voip::codec::Fmtp::parse(fmtp));
    auto dec = codec->make_decoder({});
    if (!enc || !dec) {
        state.SkipWithError("cannot create codec");
        return;
    }
    const auto& audio = speech(format.sample_rate);
    const std::size_t frame = format.samples_per_frame();
    const std::size_t frames = audio.size() / frame;
    std::vector<std::uint8_t> payload((*enc)->max_payload_size());
    std::vector<float> pcm((*dec)->max_samples_per_payload());
    std::size_t i = 0;
    std::size_t bytes = 0;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): benchmark idiom
        const std::span<const float> in{audio.data() + (i % frames) * frame, frame};
        auto n = (*enc)->encode(in, payload);
        if (!n) {
            state.SkipWithError("encode failed");
            return;
        }
        auto m = (*dec)->decode(std::span(payload).first(*n), pcm);
        if (!m) {
            state.SkipWithError("decode failed");
            return;
        }
        benchmark::DoNotOptimize(pcm.data());
        benchmark::ClobberMemory();
        bytes += *n;
        ++i;
    }
    const auto iterations = static_cast<double>(state.iterations());
    const double audio_seconds =
        iterations * static_cast<double>(format.frame_duration.count()) / 1000.0;
    state.counters["x_realtime"] = benchmark::Counter(audio_seconds, benchmark::Counter::kIsRate);
    state.counters["bytes/frame"] = static_cast<double>(bytes) / iterations;
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(format.encoding_name + "/" + std::to_string(format.sample_rate) + " Hz");
}

void pcmu(benchmark::State& s) {
    run(s, voip::codec::make_pcmu(), "");
}
void pcma(benchmark::State& s) {
    run(s, voip::codec::make_pcma(), "");
}
void g722(benchmark::State& s) {
    run(s, voip::codec::make_g722(), "");
}
void opus(benchmark::State& s) {
    const auto rate = static_cast<std::uint32_t>(s.range(1));
    run(s,
        voip::codec::make_opus({.sample_rate = rate, .complexity = static_cast<int>(s.range(0))}),
        "useinbandfec=1");
}

}  // namespace

BENCHMARK(pcmu)->Name("PCMU");
BENCHMARK(pcma)->Name("PCMA");
BENCHMARK(g722)->Name("G722");
BENCHMARK(opus)
    ->Name("Opus")
    ->ArgNames({"complexity", "rate"})
    ->Args({5, 48000})
    ->Args({10, 48000})
    ->Args({5, 16000})
    ->Args({10, 16000});

BENCHMARK_MAIN();
