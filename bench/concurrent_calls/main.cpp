// bench/concurrent_calls: how many simultaneous full-duplex echo calls with media one process
// of the library carries on this box, the load coming from a second process of the library.
//
// For each codec (PCMU, PCMU+SRTP, Opus) and each N (default 50, 100, 250, 500, 1000, 1500,
// 2000): this process (the echo side) starts `concurrent_calls_bench talk ...` (the talking
// side). The talker opens N AudioCalls and writes N SDP offers to its stdout; we answer each
// with an EchoCall (SDP offer/answer as a SIP INVITE/200 would carry them, done over a pipe:
// the Dialog class is not used here) and write the answers back. The talker speaks a voiced
// signal in bursts, each EchoCall plays every utterance back. After a warm-up we measure a
// window: our CPU% and RSS, the talker's, RTP loss both ways (RFC 3550 §A.3 cumulative lost /
// expected) and the jitter buffers' interarrival jitter (§A.8), mean and worst call. A codec
// stops stepping once loss > 0.1% or mean jitter > 5 ms. Memory per active call: the echo
// side's RSS growth over its idle baseline divided by N.
//
// Raw libopus encode+decode of one 20 ms frame (complexity 5, 16 kHz) is timed in the same
// run, so the Opus rows can be read against the codec's own cost.
//
// The talker streams its clip in --talk-chunk-ms pieces (default 100 ms), the next one queued
// when the last was sent, as a relay feeds a call; --talk-chunk-ms 0 queues the whole 1.6 s
// clip at once each time, one clip shared by every call (send_audio of a shared_ptr), as a
// prompt player does. (Before that overload existed, every call held its own 51 KiB copy.)
//
// --phases K sets audio::MediaClock's slots per 20 ms in both processes (default 4, 5 ms
// apart; 1 = every call of a process sends in the same wake-up, the clock's old behaviour).
//
// Usage: concurrent_calls_bench [--calls 50,100,...] [--seconds 5] [--codecs pcmu,pcmu-srtp,opus]
//                               [--realtime 1] [--receive-batch N] [--phases K]
//                               [--talk-chunk-ms MS]
//        (internal) concurrent_calls_bench talk CODEC SRTP N SECONDS RECEIVE_BATCH PHASES MS

#include <voip/audio/audio_call.hpp>
#include <voip/audio/media_clock.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/codec/registry.hpp>
#include <voip/log.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/sdp/session_description.hpp>
#include <voip/srtp/context.hpp>

#include <asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <malloc.h>
#include <memory>
#include <optional>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "echo_calls.hpp"
#include "proc_stats.hpp"

extern char** environ;  // NOLINT: POSIX

namespace {

using namespace std::chrono_literals;
using voip::bench::Echo;
using voip::bench::rss_kib;
using voip::bench::talk_signal;
using voip::bench::Talker;

constexpr std::uint32_t call_rate = 8000;  // PCMU's own rate: no resampling in the PCMU rows
constexpr int opus_complexity = 5;

voip::AudioConfig audio_config() {
    return voip::bench::echo_audio_config(call_rate, opus_complexity);
}

// rtp::Multiplexer::Config::receive_batch of both processes (--receive-batch).
std::size_t receive_batch = 0;
// audio::MediaClock slots per period of both processes (--phases).
std::size_t phases = voip::audio::MediaClock::default_phases;
// The talker's queued piece of its clip (--talk-chunk-ms; 0: the whole clip).
std::size_t talk_chunk_ms = 100;

std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

voip::rtp::Multiplexer::Config mux_config(std::uint16_t first, std::uint16_t last) {
    voip::rtp::Multiplexer::Config mc;
    mc.receive_batch = receive_batch;
    mc.address = asio::ip::make_address("127.0.0.1");
    mc.first_port = first;
    mc.last_port = last;
    mc.max_sessions = 8192;
    return mc;
}

// ---- pipe framing: "<tag> <length>\n<bytes>" ----
void write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n <= 0) throw std::runtime_error("pipe write failed");
        done += static_cast<std::size_t>(n);
    }
}

void send_frame(int fd, const std::string& tag, const std::string& body) {
    write_all(fd, tag + " " + std::to_string(body.size()) + "\n" + body);
}

class FrameReader {
public:
    explicit FrameReader(int fd) : fd_(fd) {}
    // Blocks until a whole frame is there (the peer is bounded in time; a closed pipe throws).
    std::pair<std::string, std::string> read() {
        for (;;) {
            const auto eol = buffer_.find('\n');
            if (eol != std::string::npos) {
                std::istringstream head(buffer_.substr(0, eol));
                std::string tag;
                std::size_t length = 0;
                head >> tag >> length;
                if (buffer_.size() >= eol + 1 + length) {
                    auto body = buffer_.substr(eol + 1, length);
                    buffer_.erase(0, eol + 1 + length);
                    return {tag, body};
                }
            }
            char chunk[65536];
            const auto n = ::read(fd_, chunk, sizeof chunk);
            if (n <= 0) throw std::runtime_error("peer closed the pipe");
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

struct Totals {
    std::uint64_t received = 0;
    std::int64_t lost = 0;
    double jitter_sum_ms = 0;
    double jitter_max_ms = 0;
    std::uint64_t skipped = 0;
    std::size_t calls = 0;

    template <class Call>
    void add(const Call& call) {
        const auto s = call.stats();
        const auto a = call.audio_stats();
        received += s.packets_received;
        lost += std::max<std::int64_t>(0, s.packets_lost);
        const double j = static_cast<double>(a.jitter.count()) / 1000.0;
        jitter_sum_ms += j;
        jitter_max_ms = std::max(jitter_max_ms, j);
        skipped += a.ticks_skipped;
        ++calls;
    }
};

// Pacing ticks skipped so far by @p calls (the window's figure is the difference: call set-up
// blocks the thread while the first calls already run, which is not the steady state).
template <class Call>
std::uint64_t skipped_ticks(const std::vector<std::unique_ptr<Call>>& calls) {
    std::uint64_t total = 0;
    for (const auto& call : calls)
        total += call->audio_stats().ticks_skipped;
    return total;
}

// ---- the talking side (child process) ----
int run_talker(const std::string& codec, bool srtp, int n, double seconds) {
    asio::io_context io(1);
    voip::audio::MediaClock::of(io).set_phases(phases);
    voip::rtp::Multiplexer mux(io, mux_config(16384, 24575));
    const auto config = audio_config();
    const auto clip = std::make_shared<const std::vector<float>>(talk_signal(call_rate));
    const auto policy = srtp ? voip::sdp::CryptoPolicy::required : voip::sdp::CryptoPolicy::off;
    std::vector<std::unique_ptr<Talker>> calls;
    std::vector<voip::sdp::SessionDescription> offers;
    // A fresh process: its RSS growth over the calls is their memory; the heap in use
    // (mallinfo2) is the part malloc hands out, the rest of the RSS growth is its overhead.
    const long baseline = rss_kib();
    const std::size_t heap0 = heap_in_use();
    for (int i = 0; i < n; ++i) {
        auto& t = *calls.emplace_back(
            std::make_unique<Talker>(mux, config, codec, clip, call_rate * talk_chunk_ms / 1000));
        if (!t.open()) throw std::runtime_error("talker: cannot open an RTP port");
        offers.push_back(voip::sdp::create_offer(t.local_media("127.0.0.1", policy).value(),
                                                 {.session_id = static_cast<std::uint64_t>(i + 1)})
                             .value());
        send_frame(STDOUT_FILENO, "OFFER", offers.back().to_string());
    }
    FrameReader reader(STDIN_FILENO);
    for (int i = 0; i < n; ++i) {
        auto [tag, body] = reader.read();
        if (tag != "ANSWER") throw std::runtime_error("talker: expected an answer");
        auto answer = voip::sdp::SessionDescription::parse(body).value();
        auto agreed = voip::sdp::apply_answer(offers[static_cast<std::size_t>(i)], answer).value();
        calls[static_cast<std::size_t>(i)]->start_media(agreed).value();
        calls[static_cast<std::size_t>(i)]->talk();
    }
    // Warm-up, the window the echo side measures, and a margin so the echo side's window
    // never sees us gone.
    io.run_for(1500ms);
    const std::uint64_t skipped0 = skipped_ticks(calls);
    const double cpu0 = voip::bench::thread_cpu_seconds();
    io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(seconds)));
    const double cpu = voip::bench::thread_cpu_seconds() - cpu0;
    Totals totals;
    for (const auto& call : calls)
        totals.add(*call);
    totals.skipped -= skipped0;
    const auto heap_kib = static_cast<double>(heap_in_use() - heap0) / 1024.0;
    std::ostringstream result;
    result << cpu / seconds * 100 << " " << rss_kib() - baseline << " " << totals.received << " "
           << totals.lost << " " << totals.jitter_sum_ms << " " << totals.jitter_max_ms << " "
           << totals.skipped << " " << heap_kib;
    send_frame(STDOUT_FILENO, "RESULT", result.str());
    io.run_for(1000ms);
    for (auto& call : calls)
        call->stop_media();
    return 0;
}

// ---- the echo side (this process) ----
struct Child {
    pid_t pid = -1;
    int to_child = -1;
    int from_child = -1;
};

Child spawn_talker(const std::vector<std::string>& argv) {
    int down[2];
    int up[2];
    if (::pipe(down) != 0 || ::pipe(up) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, down[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, up[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, down[1]);
    posix_spawn_file_actions_addclose(&actions, up[0]);
    std::vector<std::string> args = argv;
    std::vector<char*> raw;
    raw.reserve(args.size() + 1);
    for (auto& a : args)
        raw.push_back(a.data());
    raw.push_back(nullptr);
    Child child;
    const int rc = posix_spawn(&child.pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(down[0]);
    ::close(up[1]);
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
    child.to_child = down[1];
    child.from_child = up[0];
    return child;
}

void finish(Child& child) {
    ::close(child.to_child);
    ::close(child.from_child);
    // Bounded: the talker ends by itself about a second after its result; else it is killed.
    for (int i = 0; i < 500; ++i) {
        int status = 0;
        if (::waitpid(child.pid, &status, WNOHANG) == child.pid) return;
        std::this_thread::sleep_for(10ms);
    }
    ::kill(child.pid, SIGKILL);
    ::waitpid(child.pid, nullptr, 0);
}

struct Row {
    std::string label;
    int n = 0;
    double cpu = 0;
    double talker_cpu = 0;
    double rss_mib = 0;
    double per_call_kib = 0;     // the talker's RSS growth / N (a fresh process)
    double heap_kib = 0;         // the talker's heap in use growth / N
    double echo_heap_kib = 0;    // the echo side's heap in use growth / N (exact despite reuse)
    double echo_growth_kib = 0;  // the echo side's, over its baseline (reused heap: lower)
    double loss_percent = 0;
    double jitter_mean = 0;
    double jitter_max = 0;
    std::uint64_t skipped = 0;
};

Row run_echo_step(const std::string& label, const std::string& codec, bool srtp, int n,
                  double seconds) {
    const long baseline = rss_kib();
    const std::size_t heap0 = heap_in_use();
    const auto self = std::filesystem::read_symlink("/proc/self/exe").string();
    Child child = spawn_talker({self, "talk", codec, srtp ? "1" : "0", std::to_string(n),
                                std::to_string(seconds), std::to_string(receive_batch),
                                std::to_string(phases), std::to_string(talk_chunk_ms)});
    asio::io_context io(1);
    voip::audio::MediaClock::of(io).set_phases(phases);
    std::optional<Row> row;
    {
        voip::rtp::Multiplexer mux(io, mux_config(24576, 32767));
        const auto config = audio_config();
        const auto policy = srtp ? voip::sdp::CryptoPolicy::required : voip::sdp::CryptoPolicy::off;
        std::vector<std::unique_ptr<Echo>> calls;
        FrameReader reader(child.from_child);
        // All offers first, then all answers: the talker writes every offer before it reads
        // an answer, so interleaving would fill both pipes and deadlock.
        std::vector<voip::sdp::SessionDescription> offers;
        for (int i = 0; i < n; ++i) {
            auto [tag, body] = reader.read();
            if (tag != "OFFER") throw std::runtime_error("expected an offer");
            offers.push_back(voip::sdp::SessionDescription::parse(body).value());
        }
        std::string answers;
        for (int i = 0; i < n; ++i) {
            auto& e = *calls.emplace_back(std::make_unique<Echo>(mux, config, codec));
            if (!e.open()) throw std::runtime_error("echo: cannot open an RTP port");
            auto answer =
                voip::sdp::create_answer(offers[static_cast<std::size_t>(i)],
                                         e.local_media("127.0.0.1", policy).value(),
                                         {.session_id = static_cast<std::uint64_t>(i + 1)})
                    .value();
            e.start_media(answer.negotiated).value();
            const auto text = answer.description.to_string();
            answers += "ANSWER " + std::to_string(text.size()) + "\n" + text;
        }
        write_all(child.to_child, answers);
        io.run_for(1500ms);
        const std::uint64_t skipped0 = skipped_ticks(calls);
        const double cpu0 = voip::bench::thread_cpu_seconds();
        io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(seconds)));
        const double cpu = voip::bench::thread_cpu_seconds() - cpu0;
        const long rss = rss_kib();
        const std::size_t heap = heap_in_use();
        Totals ours;
        for (const auto& call : calls)
            ours.add(*call);
        ours.skipped -= skipped0;
        // The talker's result comes right after its window; keep echoing while we wait.
        ::fcntl(child.from_child, F_SETFL, O_NONBLOCK);
        std::string talker_result;
        std::string pending;
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (talker_result.empty() && std::chrono::steady_clock::now() < deadline) {
            io.run_for(10ms);
            char chunk[4096];
            const auto got = ::read(child.from_child, chunk, sizeof chunk);
            if (got > 0) pending.append(chunk, static_cast<std::size_t>(got));
            const auto eol = pending.find('\n');
            if (eol != std::string::npos && pending.rfind("RESULT", 0) == 0) {
                const auto length = std::stoul(pending.substr(7, eol - 7));
                if (pending.size() >= eol + 1 + length)
                    talker_result = pending.substr(eol + 1, length);
            }
        }
        Row r;
        r.label = label;
        r.n = n;
        r.cpu = cpu / seconds * 100;
        r.rss_mib = static_cast<double>(rss) / 1024.0;
        r.echo_growth_kib = static_cast<double>(rss - baseline) / n;
        r.echo_heap_kib = (static_cast<double>(heap) - static_cast<double>(heap0)) / 1024.0 / n;
        double t_cpu = 0;
        long t_growth = 0;
        std::uint64_t t_received = 0;
        std::int64_t t_lost = 0;
        double t_jsum = 0;
        double t_jmax = 0;
        std::uint64_t t_skipped = 0;
        double t_heap = 0;
        std::istringstream(talker_result) >> t_cpu >> t_growth >> t_received >> t_lost >> t_jsum >>
            t_jmax >> t_skipped >> t_heap;
        r.heap_kib = talker_result.empty() ? -1 : t_heap / n;
        r.talker_cpu = talker_result.empty() ? -1 : t_cpu;
        r.per_call_kib = talker_result.empty() ? -1 : static_cast<double>(t_growth) / n;
        const double received = static_cast<double>(ours.received + t_received);
        const double lost = static_cast<double>(ours.lost + t_lost);
        r.loss_percent = received + lost > 0 ? 100.0 * lost / (received + lost) : 100.0;
        r.jitter_mean = (ours.jitter_sum_ms + t_jsum) / (2.0 * n);
        r.jitter_max = std::max(ours.jitter_max_ms, t_jmax);
        r.skipped = ours.skipped + t_skipped;
        row = r;
        for (auto& call : calls)
            call->stop_media();
    }
    finish(child);
    return *row;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

int orchestrate(const std::vector<int>& steps, double seconds,
                const std::vector<std::string>& codecs, bool realtime) {
    if (realtime) {
        // On a box shared with other work: both processes SCHED_RR (the talker inherits it),
        // bounded by the step length and the kernel's RT throttling.
        const sched_param param{.sched_priority = 10};
        std::printf("  --realtime: %s\n", ::sched_setscheduler(0, SCHED_RR, &param) == 0
                                              ? "both processes SCHED_RR priority 10"
                                              : "sched_setscheduler failed, SCHED_OTHER");
    }
    std::printf(
        "concurrent_calls_bench: full-duplex echo calls on 127.0.0.1, talker = a second process, "
        "%g s window after 1.5 s warm-up; %u CPUs; calls at %u Hz; receive_batch %zu; media "
        "clock phases %zu; talker queues %s; SRTP crypto: %s\n",
        seconds, std::thread::hardware_concurrency(), call_rate, receive_batch, phases,
        talk_chunk_ms == 0 ? "the whole 1.6 s clip"
                           : (std::to_string(talk_chunk_ms) + " ms pieces").c_str(),
        std::string(voip::srtp::crypto_backend()).c_str());
    std::printf(
        "  cpu%% = the echo process (one io_context thread), talker%% = the talking process; "
        "loss both directions; jitter = RFC 3550 interarrival, ms; KiB/call = the talker's RSS "
        "growth / N (fresh process), heapKiB its heap in use (mallinfo2) / N; echoKiB = the echo "
        "side's RSS growth / N (heap reused across steps, so low), echoHeap its heap in use / N; "
        "skipped = pacing ticks both sides skipped in the window (the thread was > 60 ms late)\n");
    const double opus_ns = voip::bench::raw_codec_ns(audio_config(), "opus");
    std::printf(
        "  raw libopus encode+decode, complexity 5, 16 kHz, 20 ms frame: %.1f us -> %.2f%% of a "
        "core per call leg (50 frames/s), %.2f%% per full-duplex echo call (2 legs here)\n",
        opus_ns / 1000.0, opus_ns * 50 / 1e7, 2 * opus_ns * 50 / 1e7);
    std::printf("%-10s %6s %7s %8s %8s %9s %8s %8s %8s %8s %8s %8s %8s\n", "codec", "N", "cpu%",
                "talker%", "rss_MiB", "KiB/call", "heapKiB", "echoKiB", "echoHeap", "loss%",
                "jit_avg", "jit_max", "skipped");
    for (const auto& label : codecs) {
        const bool srtp = label == "pcmu-srtp";
        const std::string codec = label == "opus" ? "opus" : "PCMU";
        for (const int n : steps) {
            Row r;
            try {
                r = run_echo_step(label, codec, srtp, n, seconds);
            } catch (const std::exception& e) {
                std::printf("%-10s %6d  failed: %s\n", label.c_str(), n, e.what());
                break;
            }
            std::printf(
                "%-10s %6d %7.1f %8.1f %8.1f %9.1f %8.1f %8.1f %8.1f %8.3f %8.2f %8.2f %8llu\n",
                r.label.c_str(), r.n, r.cpu, r.talker_cpu, r.rss_mib, r.per_call_kib, r.heap_kib,
                r.echo_growth_kib, r.echo_heap_kib, r.loss_percent, r.jitter_mean, r.jitter_max,
                static_cast<unsigned long long>(r.skipped));
            std::fflush(stdout);
            if (r.loss_percent > 0.1 || r.jitter_mean > 5.0) {
                std::printf("%-10s stop: loss > 0.1%% or mean jitter > 5 ms at N=%d\n",
                            label.c_str(), n);
                break;
            }
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        voip::log::set_level(voip::log::Level::error);
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.size() == 8 && args[0] == "talk") {
            receive_batch = std::stoul(args[5]);
            phases = std::stoul(args[6]);
            talk_chunk_ms = std::stoul(args[7]);
            return run_talker(args[1], args[2] == "1", std::stoi(args[3]), std::stod(args[4]));
        }
        std::vector<int> steps{50, 100, 250, 500, 1000, 1500, 2000};
        double seconds = 5;
        std::vector<std::string> codecs{"pcmu", "pcmu-srtp", "opus"};
        bool realtime = false;
        for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
            if (args[i] == "--calls") {
                steps.clear();
                for (const auto& s : split(args[i + 1]))
                    steps.push_back(std::stoi(s));
            } else if (args[i] == "--seconds") {
                seconds = std::stod(args[i + 1]);
            } else if (args[i] == "--receive-batch") {
                receive_batch = std::stoul(args[i + 1]);
            } else if (args[i] == "--talk-chunk-ms") {
                talk_chunk_ms = std::stoul(args[i + 1]);
            } else if (args[i] == "--phases") {
                phases = std::stoul(args[i + 1]);
            } else if (args[i] == "--realtime") {
                realtime = args[i + 1] == "1";
            } else if (args[i] == "--codecs") {
                codecs = split(args[i + 1]);
            } else {
                std::fprintf(stderr, "unknown option %s\n", args[i].c_str());
                return 2;
            }
        }
        ::signal(SIGPIPE, SIG_IGN);
        return orchestrate(steps, seconds, codecs, realtime);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "concurrent_calls_bench: %s\n", e.what());
        return 1;
    }
}
