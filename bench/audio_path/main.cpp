// bench/audio_path: what a full-duplex echo call costs in CPU through the library, beside the
// raw cost of the same work done by the underlying libraries alone, measured in the same run.
//
// Library: N pairs of calls on 127.0.0.1 (one io_context, one thread, two Multiplexers): a
// talker AudioCall that speaks a synthetic voiced signal (1.2 s bursts, 0.4 s pauses) in a
// loop, and an EchoCall that plays each utterance back, so both directions carry audio and
// both legs run the whole path (20 ms timer, encode, protect, send, receive, unprotect, jitter
// buffer, decode, VAD). The process CPU time over a measured window, divided by the call-leg
// seconds (2 × N × window), is the library's CPU per call-second. The calls run at the codec's
// own sample rate, so no resampling is involved (a 16 kHz PCMU row shows what it adds). All
// calls of the io_context are ticked by its one audio::MediaClock; each row is run for several
// N (default 1, 10 and 100 pairs) to show how the per-call cost falls as the wake-ups are shared.
//
// Raw: per 20 ms packet, one encode + one decode with the codec object (a thin wrapper over
// spandsp/libopus, as in bench/codec_cost), srtp_protect + srtp_unprotect with libsrtp2
// directly, and sendto + recvfrom of a datagram of the same size on bare blocking sockets.
// A call leg does each of them 50 times a second, so raw per call-second = 50 × their sum.
//
// Usage: audio_path_bench [--pairs N[,N...]] [--seconds S] [--opus-complexity C] [--only LABEL]

#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/opus.hpp>
#include <voip/codec/registry.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/srtp/context.hpp>
#include <voip/srtp/key_material.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>
#include <srtp2/srtp.h>

#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <netinet/in.h>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

double cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Harmonics of a gliding pitch plus a little noise, in 1.2 s bursts with 0.4 s pauses.
std::vector<float> talk(std::uint32_t rate) {
    std::vector<float> out(static_cast<std::size_t>(rate) * 16 / 10, 0.0F);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0F, 0.01F);
    double phase = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(rate) * 12 / 10; ++i) {
        const double t = static_cast<double>(i) / rate;
        phase +=
            2 * std::numbers::pi * (120.0 + 30.0 * std::sin(2 * std::numbers::pi * 0.7 * t)) / rate;
        double v = 0;
        for (int h = 1; h <= 12; ++h)
            v += std::sin(h * phase) / h;
        out[i] =
            static_cast<float>(0.15 * v * (0.6 + 0.4 * std::sin(2 * std::numbers::pi * 3 * t))) +
            noise(rng);
    }
    return out;
}

struct Codec {
    std::string label;
    std::string name;  // SDP encoding name
    bool srtp;
    std::uint32_t call_rate;  // AudioConfig::sample_rate of the calls
};

// --- library ----------------------------------------------------------------------------

class Talker : public voip::AudioCall {
public:
    Talker(voip::rtp::Multiplexer& mux, voip::AudioConfig config, std::string codec,
           const std::vector<float>* clip)
        : AudioCall(mux, std::move(config)), codec_(std::move(codec)), clip_(clip) {}
    void talk() { send_audio(*clip_); }

protected:
    std::vector<std::string> codec_preference() const override { return {codec_}; }
    void on_audio_sent() override { talk(); }

private:
    std::string codec_;
    const std::vector<float>* clip_;
};

class Echo : public voip::EchoCall {
public:
    Echo(voip::rtp::Multiplexer& mux, voip::AudioConfig config, std::string codec)
        : EchoCall(mux, std::move(config)), codec_(std::move(codec)) {}

protected:
    std::vector<std::string> codec_preference() const override { return {codec_}; }

private:
    std::string codec_;
};

struct LibraryResult {
    double cpu_per_call_second = 0;  // seconds of CPU per second of one call leg
    std::uint64_t packets = 0;
    std::uint64_t lost = 0;
    std::uint64_t utterances = 0;
    std::uint64_t skipped = 0;  // grid points dropped: nonzero = the thread could not keep up
};

LibraryResult run_library(const Codec& c, int pairs, double seconds, int complexity) {
    asio::io_context io;
    voip::rtp::Multiplexer::Config mc;
    mc.address = asio::ip::make_address("127.0.0.1");
    voip::rtp::Multiplexer a_mux(io, mc);
    voip::rtp::Multiplexer b_mux(io, mc);
    voip::AudioConfig config;
    config.sample_rate = c.call_rate;
    config.opus.complexity = complexity;
    config.opus.sample_rate = 16000;
    config.registry = std::make_shared<const voip::codec::Registry>(
        voip::codec::Registry::with_defaults(config.opus));
    const auto clip = talk(c.call_rate);
    std::vector<std::unique_ptr<Talker>> talkers;
    std::vector<std::unique_ptr<Echo>> echoes;
    const auto policy = c.srtp ? voip::sdp::CryptoPolicy::required : voip::sdp::CryptoPolicy::off;
    for (int i = 0; i < pairs; ++i) {
        auto& t = *talkers.emplace_back(std::make_unique<Talker>(a_mux, config, c.name, &clip));
        auto& e = *echoes.emplace_back(std::make_unique<Echo>(b_mux, config, c.name));
        if (!t.open() || !e.open()) throw std::runtime_error("cannot open RTP ports");
        const auto offer =
            voip::sdp::create_offer(t.local_media("127.0.0.1", policy).value(), {}).value();
        const auto answer =
            voip::sdp::create_answer(offer, e.local_media("127.0.0.1", policy).value(), {}).value();
        e.start_media(answer.negotiated).value();
        t.start_media(voip::sdp::apply_answer(offer, answer.description).value()).value();
        t.talk();
    }
    io.run_for(1500ms);  // warm-up: jitter buffers settle, the first echoes start
    const double cpu0 = cpu_seconds();
    io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(seconds)));
    const double cpu = cpu_seconds() - cpu0;
    LibraryResult r;
    r.cpu_per_call_second = cpu / (2.0 * pairs * seconds);
    for (int i = 0; i < pairs; ++i) {
        const auto ts = talkers[i]->stats();
        const auto es = echoes[i]->stats();
        r.packets += ts.packets_received + es.packets_received;
        r.lost += static_cast<std::uint64_t>(std::max<std::int64_t>(0, ts.packets_lost) +
                                             std::max<std::int64_t>(0, es.packets_lost));
        r.utterances += echoes[i]->utterances();
        r.skipped +=
            talkers[i]->audio_stats().ticks_skipped + echoes[i]->audio_stats().ticks_skipped;
    }
    return r;
}

// --- raw ----------------------------------------------------------------------------------

struct RawResult {
    double codec_ns = 0;  // encode + decode of one 20 ms frame
    double srtp_ns = 0;   // protect + unprotect of one packet
    double udp_ns = 0;    // sendto + recvfrom of one datagram
    std::size_t payload = 0;
};

constexpr int raw_iterations = 3000;

RawResult run_raw(const Codec& c, int complexity) {
    voip::codec::OpusConfig opus;
    opus.complexity = complexity;
    opus.sample_rate = 16000;
    const auto registry = voip::codec::Registry::with_defaults(opus);
    const auto codec = registry.find(c.name);
    auto enc = codec->make_encoder({}).value();
    auto dec = codec->make_decoder({}).value();
    const auto signal = talk(codec->format().sample_rate);
    const std::size_t spf = codec->format().samples_per_frame();
    std::vector<std::uint8_t> payload(enc->max_payload_size());
    std::vector<float> out(dec->max_samples_per_payload());
    RawResult r;
    std::size_t bytes = 0;
    std::size_t pos = 0;
    double t0 = cpu_seconds();
    for (int i = 0; i < raw_iterations; ++i) {
        if (pos + spf > signal.size()) pos = 0;
        const auto n = enc->encode(std::span(signal.data() + pos, spf), payload).value();
        (void)dec->decode(std::span(payload.data(), n), out);
        bytes += n;
        pos += spf;
    }
    r.codec_ns = (cpu_seconds() - t0) * 1e9 / raw_iterations;
    r.payload = bytes / raw_iterations;
    const std::size_t packet = 12 + r.payload;

    if (c.srtp) {
        // The library initialises libsrtp2 once per process (a second srtp_init would reset
        // its crypto kernel under the library's feet): have it do that.
        (void)voip::srtp::Context::create(
            voip::srtp::KeyMaterial::generate(voip::srtp::Suite::aes_cm_128_hmac_sha1_80).value(),
            voip::srtp::Context::Direction::outbound);
        std::uint8_t key[30];
        for (std::size_t i = 0; i < sizeof key; ++i)
            key[i] = static_cast<std::uint8_t>(i * 7 + 1);
        auto make = [&](srtp_ssrc_type_t type) {
            srtp_policy_t policy{};
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
            policy.ssrc.type = type;
            policy.key = key;
            policy.window_size = 128;
            srtp_t ctx = nullptr;
            if (srtp_create(&ctx, &policy) != srtp_err_status_ok)
                throw std::runtime_error("srtp_create");
            return ctx;
        };
        srtp_t out_ctx = make(ssrc_any_outbound);
        srtp_t in_ctx = make(ssrc_any_inbound);
        std::vector<std::uint8_t> buf(packet + 148);
        t0 = cpu_seconds();
        for (int i = 0; i < raw_iterations; ++i) {
            std::memset(buf.data(), 0, packet);
            buf[0] = 0x80;
            buf[2] = static_cast<std::uint8_t>(i >> 8);
            buf[3] = static_cast<std::uint8_t>(i);
            buf[11] = 1;
            int len = static_cast<int>(packet);
            if (srtp_protect(out_ctx, buf.data(), &len) != srtp_err_status_ok ||
                srtp_unprotect(in_ctx, buf.data(), &len) != srtp_err_status_ok) {
                throw std::runtime_error("srtp");
            }
        }
        r.srtp_ns = (cpu_seconds() - t0) * 1e9 / raw_iterations;
        srtp_dealloc(out_ctx);
        srtp_dealloc(in_ctx);
    }

    const int a = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int b = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(b, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        throw std::runtime_error("socket");
    }
    std::vector<std::uint8_t> dgram(packet + (c.srtp ? 10 : 0), 0x80);
    std::vector<std::uint8_t> rx(2048);
    t0 = cpu_seconds();
    for (int i = 0; i < raw_iterations; ++i) {
        ::sendto(a, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::recv(b, rx.data(), rx.size(), 0);
    }
    r.udp_ns = (cpu_seconds() - t0) * 1e9 / raw_iterations;
    ::close(a);
    ::close(b);
    return r;
}

// --- paced I/O floor --------------------------------------------------------------------
// The same sockets, wake-ups and packet rate as the library rows, with nothing in between: each
// leg is a bare Asio UDP socket; one steady_timer on an absolute 20 ms grid (as the library's
// one MediaClock per io_context) makes every leg send a datagram of the payload's size to its
// peer, which receives it and drops it. What paced real-time I/O costs on this machine before
// any media work (timer, epoll, syscalls).

struct Leg {
    explicit Leg(asio::io_context& io)
        : socket(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
    asio::ip::udp::socket socket;
    asio::ip::udp::endpoint peer;
    asio::ip::udp::endpoint from;
    std::vector<std::uint8_t> tx;
    std::array<std::uint8_t, 2048> rx{};
    std::uint64_t received = 0;

    void receive() {
        socket.async_receive_from(asio::buffer(rx), from, [this](std::error_code ec, std::size_t) {
            if (ec) return;
            ++received;
            receive();
        });
    }
};

struct SharedTick {
    explicit SharedTick(asio::io_context& io) : timer(io) {}
    asio::steady_timer timer;
    std::chrono::steady_clock::time_point start;
    std::uint64_t tick = 0;
    std::vector<std::unique_ptr<Leg>>* legs = nullptr;

    void schedule() {
        timer.expires_at(start + 20ms * static_cast<std::int64_t>(++tick));
        timer.async_wait([this](std::error_code ec) {
            if (ec) return;
            for (auto& leg : *legs) {
                std::error_code send_ec;
                leg->socket.send_to(asio::buffer(leg->tx), leg->peer, 0, send_ec);
            }
            schedule();
        });
    }
};

double run_paced_floor(int pairs, double seconds, std::size_t datagram) {
    asio::io_context io;
    std::vector<std::unique_ptr<Leg>> legs;
    for (int i = 0; i < 2 * pairs; ++i)
        legs.push_back(std::make_unique<Leg>(io));
    for (std::size_t i = 0; i < legs.size(); ++i) {
        auto& leg = *legs[i];
        leg.peer = legs[i ^ 1U]->socket.local_endpoint();
        leg.tx.assign(datagram, 0x80);
        leg.receive();
    }
    SharedTick tick(io);
    tick.legs = &legs;
    tick.start = std::chrono::steady_clock::now();
    tick.schedule();
    io.run_for(1500ms);
    const double cpu0 = cpu_seconds();
    io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(seconds)));
    return (cpu_seconds() - cpu0) / (2.0 * pairs * seconds);
}

}  // namespace

std::vector<int> parse_list(const std::string& text) {
    std::vector<int> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto comma = text.find(',', pos);
        const auto item =
            text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        out.push_back(std::atoi(item.c_str()));
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

int main(int argc, char** argv) {
    std::vector<int> pair_counts = {1, 10, 100};
    double seconds = 3;
    int complexity = 5;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--pairs")
            pair_counts = parse_list(argv[i + 1]);
        else if (flag == "--seconds")
            seconds = std::atof(argv[i + 1]);
        else if (flag == "--only")
            only = argv[i + 1];
        else if (flag == "--opus-complexity")
            complexity = std::atoi(argv[i + 1]);
        else
            return std::fprintf(stderr,
                                "usage: %s [--pairs N[,N...]] [--seconds S] [--opus-complexity C] "
                                "[--only LABEL]\n",
                                argv[0]),
                   2;
    }
    if (pair_counts.empty() || seconds <= 0 || complexity < 0 || complexity > 10) return 2;
    for (const int n : pair_counts)
        if (n < 1 || n > 1000) return 2;
    const std::vector<Codec> codecs = {
        {"PCMU", "PCMU", false, 8000},
        {"PCMU+SRTP", "PCMU", true, 8000},
        {"G722", "G722", false, 16000},
        {"Opus c" + std::to_string(complexity), "opus", false, 16000},
        {"Opus+SRTP", "opus", true, 16000},
        {"PCMU@16k", "PCMU", false, 16000},
    };
    std::printf(
        "audio_path: N full-duplex echo calls (2N legs) per row, %.1f s measured, one "
        "thread, one MediaClock\n",
        seconds);
    std::printf(
        "CPU per call-second (one leg: 50 packets out + 50 in per second), microseconds\n\n");
    std::printf("%-10s %4s %8s | %8s %8s %8s %8s | %8s %8s | %8s %9s %9s | %s\n", "path", "N",
                "payload", "codec", "srtp", "udp", "raw", "paced-io", "raw+io", "library",
                "over raw", "over r+io", "packets/lost/utterances/skipped");
    for (const auto& c : codecs) {
        if (!only.empty() && c.label != only) continue;
        const auto raw = run_raw(c, complexity);
        const double raw_us = 50.0 * (raw.codec_ns + raw.srtp_ns + raw.udp_ns) / 1000.0;
        for (const int pairs : pair_counts) {
            const auto lib = run_library(c, pairs, seconds, complexity);
            const double floor_us =
                run_paced_floor(pairs, seconds, 12 + raw.payload + (c.srtp ? 10 : 0)) * 1e6;
            // Paced I/O replaces the tight-loop UDP figure (it includes the same syscalls).
            const double raw_io_us = 50.0 * (raw.codec_ns + raw.srtp_ns) / 1000.0 + floor_us;
            const double lib_us = lib.cpu_per_call_second * 1e6;
            std::printf(
                "%-10s %4d %7zuB | %8.1f %8.1f %8.1f %8.1f | %8.1f %8.1f | %8.1f %8.0f%% %8.0f%% | "
                "%llu/%llu/%llu/%llu\n",
                c.label.c_str(), pairs, raw.payload, 50.0 * raw.codec_ns / 1000.0,
                50.0 * raw.srtp_ns / 1000.0, 50.0 * raw.udp_ns / 1000.0, raw_us, floor_us,
                raw_io_us, lib_us, 100.0 * (lib_us - raw_us) / raw_us,
                100.0 * (lib_us - raw_io_us) / raw_io_us,
                static_cast<unsigned long long>(lib.packets),
                static_cast<unsigned long long>(lib.lost),
                static_cast<unsigned long long>(lib.utterances),
                static_cast<unsigned long long>(lib.skipped));
            std::fflush(stdout);
        }
    }
    std::printf(
        "\nraw = 50 x (codec encode+decode + srtp protect+unprotect + tight-loop sendto+recv).\n"
        "paced-io = bare Asio sockets and one shared 20 ms timer at the same packet rate, no "
        "media work.\n"
        "raw+io = codec + srtp + paced-io. over raw / over r+io = (library - x) / x; target <= "
        "30%%.\n"
        "skipped = pacing grid points dropped (nonzero: the thread could not keep up in real "
        "time).\n"
        "PCMU@16k runs the call at 16 kHz: two speexdsp resamplers per leg that no raw figure "
        "has.\n");
    return 0;
}
