// bench/audio_path: what a full-duplex echo call costs in CPU and memory through the library,
// beside the same work written by hand on the underlying libraries, measured in the same run.
//
// Library: N pairs of calls on 127.0.0.1 (one io_context, one thread, two Multiplexers): a
// talker AudioCall that speaks a synthetic voiced signal (1.2 s bursts, 0.4 s pauses) in a
// loop (one clip, shared by all talkers: queued by reference, as the raw calls read one shared
// signal; each talker starts at its own point of it, as each raw leg does, so that the calls'
// talk and pauses do not all fall in the same windows), and an EchoCall that plays each utterance
// back, so both directions carry audio and both legs run the whole path (20 ms clock, encode,
// protect, send, receive, unprotect, jitter buffer, decode, VAD). The process CPU time over a
// measured window, divided by the call-leg seconds (2 × N × window), is the library's CPU per
// call-second. All calls of the io_context are ticked by its one audio::MediaClock.
//
// Raw call (the baseline, raw_call.cpp): the same N pairs written by hand without libvoip or
// Asio: one epoll loop, one timerfd on the 20 ms grid, non-blocking sendto/recvfrom, spandsp or
// libopus called directly, libsrtp2 directly, speexdsp only where the call's rate differs from
// the codec's (the @16k rows). Same packet rate, same payloads, same process.
//
// Breakdown (tight loops, not paced): codec encode+decode through voip::codec objects, libsrtp2
// protect+unprotect, blocking sendto+recv; and the Asio paced floor (bare Asio sockets and one
// shared 20 ms timer, no media work).
//
// Memory: heap bytes (mallinfo2) and RSS per call leg, measured after the calls started and
// ran 0.5 s with nothing queued (the library's own state), and again at the end of the echo
// run (plus the audio in flight: the talker's queued clip, the echo's utterance). The raw call's
// heap per leg (codec + SRTP + resampler state) is printed beside.
//
// Interleaving: the library's calls and the raw calls of a row both exist in the process and take
// turns, --windows W alternating windows of S/W seconds each (250 ms unmeasured before each, while
// the side that was paused gets back onto its grid); "over" is the library's CPU over all its
// windows against the raw calls' over all theirs, and the range beside it is the lowest and
// highest of one window against its neighbour. Run back to back instead, this machine's slow
// spells and whichever side ran second moved single 3 s figures from +18 % to +59 % for identical
// code.
//
// Usage: audio_path_bench [--pairs N[,N...]] [--seconds S] [--windows W] [--opus-complexity C]
//                         [--only LABEL]

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
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "../common/echo_calls.hpp"
#include "../common/proc_stats.hpp"
#include "raw_call.hpp"

namespace {

using namespace std::chrono_literals;

double cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

using voip::bench::talk_signal;

// Runs @p io for @p duration the way an application runs its io_context: run(), here until a
// timer stops it. (io_context::run_for() instead reads the clock twice around every handler
// and dispatches each through run_one_until(): work an application's run() does not do, which
// was 2-3 % of the library's CPU at 100 pairs, charged to the library.)
void run_io_for(asio::io_context& io, asio::steady_timer& stopper,
                std::chrono::duration<double> duration) {
    stopper.expires_after(std::chrono::duration_cast<std::chrono::nanoseconds>(duration));
    stopper.async_wait([&io](std::error_code ec) {
        if (!ec) io.stop();
    });
    io.restart();
    io.run();
}

struct Codec {
    std::string label;
    std::string name;  // SDP encoding name
    bool srtp;
    std::uint32_t call_rate;  // AudioConfig::sample_rate of the calls
    audio_path::RawCodecKind raw;
};

// --- library ----------------------------------------------------------------------------

using voip::bench::Echo;
using voip::bench::Talker;

// The library's N pairs, set up and running (talkers talking, echoes echoing) after the
// constructor; run_for() drives them. Counters are cumulative: a window is a difference.
class LibraryCalls {
public:
    LibraryCalls(const Codec& c, int pairs, int complexity)
        : stopper_(io_),
          a_mux_(io_, mux_config()),
          b_mux_(io_, mux_config()),
          clip_(std::make_shared<const std::vector<float>>(talk_signal(c.call_rate))),
          legs_(2.0 * pairs) {
        const voip::AudioConfig config = voip::bench::echo_audio_config(c.call_rate, complexity);
        const auto policy =
            c.srtp ? voip::sdp::CryptoPolicy::required : voip::sdp::CryptoPolicy::off;
        talkers_.reserve(static_cast<std::size_t>(pairs));
        echoes_.reserve(static_cast<std::size_t>(pairs));
        const std::size_t heap0 = audio_path::heap_in_use();
        const long rss0 = voip::bench::rss_kib();
        for (int i = 0; i < pairs; ++i) {
            auto& t = *talkers_.emplace_back(std::make_unique<Talker>(
                a_mux_, config, c.name, clip_, 0, (2 * static_cast<std::size_t>(i) * 997)));
            auto& e = *echoes_.emplace_back(std::make_unique<Echo>(b_mux_, config, c.name));
            if (!t.open() || !e.open()) throw std::runtime_error("cannot open RTP ports");
            const auto offer =
                voip::sdp::create_offer(t.local_media("127.0.0.1", policy).value(), {}).value();
            const auto answer =
                voip::sdp::create_answer(offer, e.local_media("127.0.0.1", policy).value(), {})
                    .value();
            e.start_media(answer.negotiated).value();
            t.start_media(voip::sdp::apply_answer(offer, answer.description).value()).value();
        }
        run_for(500ms);  // silence flows both ways: jitter buffers, RTCP, codec state in use
        heap_idle_ = static_cast<double>(audio_path::heap_in_use() - heap0) / legs_;
        rss_idle_kib_ = static_cast<double>(voip::bench::rss_kib() - rss0) / legs_;
        heap0_ = heap0;
        for (auto& t : talkers_)
            t->talk();
        run_for(1500ms);  // warm-up: the first echoes start
    }

    void run_for(std::chrono::duration<double> duration) { run_io_for(io_, stopper_, duration); }

    struct Counters {
        std::uint64_t packets = 0;
        std::uint64_t lost = 0;
        std::uint64_t utterances = 0;
        std::uint64_t skipped = 0;  // grid points dropped: nonzero = the thread could not keep up
    };
    [[nodiscard]] Counters counters() const {
        Counters c;
        for (std::size_t i = 0; i < talkers_.size(); ++i) {
            const auto ts = talkers_[i]->stats();
            const auto es = echoes_[i]->stats();
            c.packets += ts.packets_received + es.packets_received;
            c.lost += static_cast<std::uint64_t>(std::max<std::int64_t>(0, ts.packets_lost) +
                                                 std::max<std::int64_t>(0, es.packets_lost));
            c.utterances += echoes_[i]->utterances();
            c.skipped +=
                talkers_[i]->audio_stats().ticks_skipped + echoes_[i]->audio_stats().ticks_skipped;
        }
        return c;
    }
    [[nodiscard]] double heap_idle() const noexcept { return heap_idle_; }  // bytes per leg
    [[nodiscard]] double rss_idle_kib() const noexcept { return rss_idle_kib_; }
    // Bytes per leg now, audio in flight included (the talker's queued clip, the utterance).
    [[nodiscard]] double heap_now() const {
        return static_cast<double>(audio_path::heap_in_use() - heap0_) / legs_;
    }

private:
    static voip::rtp::Multiplexer::Config mux_config() {
        voip::rtp::Multiplexer::Config mc;
        mc.address = asio::ip::make_address("127.0.0.1");
        return mc;
    }

    asio::io_context io_;
    asio::steady_timer stopper_;
    voip::rtp::Multiplexer a_mux_;
    voip::rtp::Multiplexer b_mux_;
    std::shared_ptr<const std::vector<float>> clip_;  // one clip all talkers play
    double legs_;
    std::vector<std::unique_ptr<Talker>> talkers_;
    std::vector<std::unique_ptr<Echo>> echoes_;
    std::size_t heap0_ = 0;
    double heap_idle_ = 0;
    double rss_idle_kib_ = 0;
};

// Library and raw calls measured in alternating windows of the same length: a slow spell of
// this shared machine, or whichever side runs second in a process, then weighs on both. Each
// window starts with `settle` unmeasured (the side that was paused catches up on its grid).
struct Interleaved {
    std::vector<double> library;  // CPU seconds per leg-second, per window
    std::vector<double> raw;
    LibraryCalls::Counters library_counts;  // over the measured windows
    audio_path::RawCalls::Counters raw_counts;

    [[nodiscard]] static double mean(const std::vector<double>& v) {
        double sum = 0;
        for (const double x : v)
            sum += x;
        return sum / static_cast<double>(v.size());
    }
    // The library's overhead in each pair of neighbouring windows, sorted.
    [[nodiscard]] std::vector<double> pair_overheads() const {
        std::vector<double> out;
        for (std::size_t i = 0; i < library.size(); ++i)
            out.push_back(library[i] / raw[i] - 1);
        std::sort(out.begin(), out.end());
        return out;
    }
};

void add_window(LibraryCalls::Counters& sum, const LibraryCalls::Counters& before,
                const LibraryCalls::Counters& after) {
    sum.packets += after.packets - before.packets;
    sum.lost += after.lost - before.lost;
    sum.utterances += after.utterances - before.utterances;
    sum.skipped += after.skipped - before.skipped;
}

void add_window(audio_path::RawCalls::Counters& sum, const audio_path::RawCalls::Counters& before,
                const audio_path::RawCalls::Counters& after) {
    sum.sent += after.sent - before.sent;
    sum.received += after.received - before.received;
    sum.late_ticks += after.late_ticks - before.late_ticks;
}

Interleaved measure_interleaved(LibraryCalls& lib, audio_path::RawCalls& raw, double legs,
                                double seconds, int windows) {
    constexpr std::chrono::milliseconds settle{250};
    const std::chrono::duration<double> window(seconds / windows);
    Interleaved r;
    // CPU seconds per leg-second of one window of @p calls; its counters added to @p sum.
    const auto measure = [&](auto& calls, auto& sum) {
        calls.run_for(settle);
        const auto before = calls.counters();
        const double cpu0 = cpu_seconds();
        calls.run_for(window);
        const double cpu = cpu_seconds() - cpu0;
        add_window(sum, before, calls.counters());
        return cpu / (legs * window.count());
    };
    for (int w = 0; w < windows; ++w) {
        double l = 0;
        double x = 0;
        // Alternate which side goes first, so neither always follows the other.
        if (w % 2 == 0) {
            l = measure(lib, r.library_counts);
            x = measure(raw, r.raw_counts);
        } else {
            x = measure(raw, r.raw_counts);
            l = measure(lib, r.library_counts);
        }
        r.library.push_back(l);
        r.raw.push_back(x);
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

// The datagram sizes come from the raw call's mean payload (@p payload).
RawResult run_raw(const Codec& c, int complexity, std::size_t payload) {
    RawResult r;
    r.payload = payload;
    r.codec_ns = voip::bench::raw_codec_ns(voip::bench::echo_audio_config(c.call_rate, complexity),
                                           c.name, raw_iterations);
    double t0 = 0;
    const std::size_t packet = 12 + r.payload;

    if (c.srtp) {
        // libsrtp2 was initialised by the library (main() made a Context first: a second
        // srtp_init would reset its crypto kernel under the library's feet).
        std::array<std::uint8_t, 30> key{};
        for (std::size_t i = 0; i < key.size(); ++i)
            key[i] = static_cast<std::uint8_t>(i * 7 + 1);
        srtp_t out_ctx = audio_path::make_raw_srtp(ssrc_any_outbound, key.data());
        srtp_t in_ctx = audio_path::make_raw_srtp(ssrc_any_inbound, key.data());
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
    asio::steady_timer stopper(io);
    run_io_for(io, stopper, 1500ms);
    const double cpu0 = cpu_seconds();
    run_io_for(io, stopper, std::chrono::duration<double>(seconds));
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
    int windows = 6;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--pairs")
            pair_counts = parse_list(argv[i + 1]);
        else if (flag == "--seconds")
            seconds = std::atof(argv[i + 1]);
        else if (flag == "--windows")
            windows = std::atoi(argv[i + 1]);
        else if (flag == "--only")
            only = argv[i + 1];
        else if (flag == "--opus-complexity")
            complexity = std::atoi(argv[i + 1]);
        else
            return std::fprintf(stderr,
                                "usage: %s [--pairs N[,N...]] [--seconds S] [--windows W] "
                                "[--opus-complexity C] [--only LABEL]\n",
                                argv[0]),
                   2;
    }
    if (pair_counts.empty() || seconds <= 0 || windows < 1 || complexity < 0 || complexity > 10)
        return 2;
    for (const int n : pair_counts)
        if (n < 1 || n > 1000) return 2;
    // The library initialises libsrtp2 once per process (a second srtp_init would reset its
    // crypto kernel under the library's feet): have it do that before any raw libsrtp2 use.
    (void)voip::srtp::Context::create(
        voip::srtp::KeyMaterial::generate(voip::srtp::Suite::aes_cm_128_hmac_sha1_80).value(),
        voip::srtp::Context::Direction::outbound);
    using audio_path::RawCodecKind;
    const std::vector<Codec> codecs = {
        {"PCMU", "PCMU", false, 8000, RawCodecKind::pcmu},
        {"PCMU+SRTP", "PCMU", true, 8000, RawCodecKind::pcmu},
        {"G722", "G722", false, 16000, RawCodecKind::g722},
        {"Opus c" + std::to_string(complexity), "opus", false, 16000, RawCodecKind::opus},
        {"Opus+SRTP", "opus", true, 16000, RawCodecKind::opus},
        {"PCMU@16k", "PCMU", false, 16000, RawCodecKind::pcmu},
    };
    std::printf(
        "audio_path: N full-duplex echo calls (2N legs) per row, one thread; library and raw "
        "calls measured %.1f s each in %d alternating windows\nhost: %s\n",
        seconds, windows, voip::bench::host_description().c_str());
    std::printf(
        "CPU per call-leg second (50 packets out + 50 in), microseconds; memory per leg, KiB\n\n");
    std::printf("%-10s %4s %5s | %7s %7s %7s %7s | %8s %8s %7s %10s | %6s %6s %6s %6s | %s\n",
                "path", "N", "bytes", "codec", "srtp", "udp", "asio-io", "raw-call", "library",
                "over", "windows", "heap", "rss", "h-echo", "h-raw",
                "packets/lost/utterances/skipped raw:late");
    for (const auto& c : codecs) {
        if (!only.empty() && c.label != only) continue;
        for (const int pairs : pair_counts) {
            LibraryCalls lib(c, pairs, complexity);
            audio_path::RawCalls call({.codec = c.raw,
                                       .srtp = c.srtp,
                                       .call_rate = c.call_rate,
                                       .opus_complexity = complexity,
                                       .pairs = pairs});
            call.run_for(500ms);  // warm-up: caches, socket buffers
            const double legs = 2.0 * pairs;
            const auto m = measure_interleaved(lib, call, legs, seconds, windows);
            const double heap_echo = lib.heap_now();
            const auto raw = run_raw(c, complexity, call.payload());
            const double floor_us =
                run_paced_floor(pairs, seconds, 12 + raw.payload + (c.srtp ? 10 : 0)) * 1e6;
            const double call_us = Interleaved::mean(m.raw) * 1e6;
            const double lib_us = Interleaved::mean(m.library) * 1e6;
            const auto spread = m.pair_overheads();
            const auto& counts = m.library_counts;
            std::printf(
                "%-10s %4d %4zuB | %7.1f %7.1f %7.1f %7.1f | %8.1f %8.1f %6.0f%% %4.0f..%-4.0f | "
                "%6.1f %6.1f %6.1f %6.1f | %llu/%llu/%llu/%llu raw:%llu\n",
                c.label.c_str(), pairs, raw.payload, 50.0 * raw.codec_ns / 1000.0,
                50.0 * raw.srtp_ns / 1000.0, 50.0 * raw.udp_ns / 1000.0, floor_us, call_us, lib_us,
                100.0 * (lib_us - call_us) / call_us, 100.0 * spread.front(), 100.0 * spread.back(),
                lib.heap_idle() / 1024.0, lib.rss_idle_kib(), heap_echo / 1024.0,
                call.heap_per_leg() / 1024.0, static_cast<unsigned long long>(counts.packets),
                static_cast<unsigned long long>(counts.lost),
                static_cast<unsigned long long>(counts.utterances),
                static_cast<unsigned long long>(counts.skipped),
                static_cast<unsigned long long>(m.raw_counts.late_ticks));
            std::fflush(stdout);
        }
    }
    std::printf(
        "\ncodec/srtp/udp = tight loops x 50 per second: voip::codec encode+decode, libsrtp2 "
        "protect+unprotect, blocking sendto+recv.\n"
        "asio-io = bare Asio sockets and one shared 20 ms timer at the same packet rate, no media "
        "work.\n"
        "raw-call = the same calls written by hand (epoll + timerfd, non-blocking "
        "sendto/recvfrom, spandsp/libopus/libsrtp2 directly,\n"
        "           speexdsp only in the @16k rows whose call rate differs from the codec's), "
        "same run. over = (library - raw-call) / raw-call over all windows; target <= 30%%.\n"
        "windows = the lowest and highest over of one library window against its neighbouring "
        "raw window, %%.\n"
        "heap/rss = library heap (mallinfo2) and RSS growth per leg after 0.5 s of media with "
        "nothing queued; h-echo = heap per leg at the end of the\n"
        "           echo run (queued clip and utterances included); h-raw = the raw call's heap "
        "per leg (codec, SRTP, resampler state). libopus encoder+decoder\n"
        "           state alone: %.1f KiB.\n"
        "skipped = library pacing grid points dropped, late = raw timer expirations missed "
        "(nonzero: not real time, the figure is not a per-call cost).\n",
        static_cast<double>(audio_path::opus_state_bytes()) / 1024.0);
    return 0;
}
