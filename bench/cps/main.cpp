// bench/cps: calls per second through the library's UAS (and UAC) against SIPp on loopback UDP,
// beside SIPp's own UAS as this machine's reference ceiling, in the same run (issue 10).
//
//   cps_bench [--rates 500,1000,2000,4000,6000,10000,20000] [--seconds 3] [--max-calls 60000]
//             [--modes lib-uas,sipp-uas,lib-uac] [--sipp /usr/bin/sipp] [--realtime 1]
//             [--uas-max-transactions N (default 0 = the library default)] [--instances K]
//
// --instances K: K UAS processes, one port each (one UserAgent per core), each driven by its
// own SIPp UAC at RATE/K; the row sums them (docs/scaling.md).
//
// Each step runs fresh processes: the UAS under test (this program in `serve-uas` mode, or
// `sipp -sn uas`), then `sipp -sn uac -r RATE -m CALLS -buff_size 4194304` against it; the UAS's
// CPU time and RSS come from /proc/<pid>. The reverse direction runs this program in
// `place-calls` mode against `sipp -sn uas`. Every step is bounded in calls and in time.
//
// Internal modes (started by the bench itself):
//   cps_bench serve-uas PORT MAX_TX               the library UAS until SIGTERM
//   cps_bench serve-dialog PORT MAX_TX            the same through the Dialog class
//   cps_bench place-calls PORT RATE CALLS SECONDS the library UAC; exits when done or timed out
//
// And alone: cps_bench tx-memory CALLS   bytes per live server transaction (no sockets)

#include <voip/log.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sched.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_dialog.hpp"
#include "bench_uac.hpp"
#include "bench_uas.hpp"
#include "child_process.hpp"
#include "proc_stats.hpp"
#include "sipp.hpp"
#include "tx_memory.hpp"

namespace {

using namespace voip;
using interop::ChildProcess;
using interop::ScratchDir;
using interop::sipp_stats;  // the last -trace_stat line, by column name
namespace fs = std::filesystem;

constexpr std::size_t sipp_buffer = std::size_t{4} * 1024 * 1024;

std::string self_path() {
    return fs::read_symlink("/proc/self/exe").string();
}

sip::UserAgentConfig bench_ua_config(std::uint16_t port) {
    sip::UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:" + std::to_string(port)};
    config.user_agent = "libvoip-cps-bench";
    return config;
}

// ---- child: the library UAS ----
int serve_uas(std::uint16_t port, std::size_t max_transactions) {
    asio::io_context io(1);
    sip::UserAgent ua{io.get_executor(), bench_ua_config(port)};
    // Every call leaves its INVITE (Timer L) and BYE (Timer J) server transactions alive for
    // 64*T1 = 32 s after the answer (RFC 6026, RFC 3261 §17.2.2): 20,000 calls/s keep ~1.3
    // million of them, within the default cap (1.6 million).
    if (max_transactions > 0) ua.transactions().set_max_server_transactions(max_transactions);
    const auto local = ua.local_address(sip::TransportKind::udp);
    auto uas = std::make_shared<bench::BenchUas>(
        ua, "sip:uas@" + local.address.to_string() + ":" + std::to_string(local.port));
    ua.set_dialog_handler(uas);
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](std::error_code, int) { io.stop(); });
    io.run();
    const auto& c = uas->counters();
    std::printf(
        "UAS invites=%llu answered=%llu acked=%llu byes=%llu ok_retransmits=%llu "
        "ack_timeouts=%llu unknown=%llu other=%llu respond_errors=%llu open=%zu refused503=%zu "
        "server_transactions=%zu\n",
        static_cast<unsigned long long>(c.invites), static_cast<unsigned long long>(c.answered),
        static_cast<unsigned long long>(c.acked), static_cast<unsigned long long>(c.byes),
        static_cast<unsigned long long>(c.ok_retransmits),
        static_cast<unsigned long long>(c.ack_timeouts),
        static_cast<unsigned long long>(c.unknown_requests),
        static_cast<unsigned long long>(c.other_requests),
        static_cast<unsigned long long>(c.respond_errors), uas->open_calls(),
        ua.transactions().refused_requests(), ua.transactions().server_count());
    std::fflush(stdout);
    return 0;
}

// ---- child: the library UAS through the Dialog class ----
int serve_dialog(std::uint16_t port, std::size_t max_transactions) {
    asio::io_context io(1);
    sip::UserAgent ua{io.get_executor(), bench_ua_config(port)};
    if (max_transactions > 0) ua.transactions().set_max_server_transactions(max_transactions);
    sip::CallConfig calls;
    calls.media_address = "127.0.0.1";
    calls.media.address = asio::ip::make_address("127.0.0.1");
    calls.media.max_sessions = 100000;
    calls.max_dialogs = 100000;
    auto& layer = sip::enable_calls(ua, io, calls);
    ua.on_incoming<bench::BenchDialog>();
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](std::error_code, int) { io.stop(); });
    io.run();
    const auto& c = bench::dialog_counters();
    std::string ended;
    for (const auto& [reason, count] : c.ended)
        ended += fmt::format(" {}:{}", reason, count);
    std::printf(
        "UAS invites=%llu accepted=%llu open=%zu refused503=%zu server_transactions=%zu "
        "ended=%s\n",
        static_cast<unsigned long long>(c.invites), static_cast<unsigned long long>(c.accepted),
        layer.count(), ua.transactions().refused_requests(), ua.transactions().server_count(),
        ended.c_str());
    std::fflush(stdout);
    return 0;
}

// ---- child: the library UAC ----
int place_calls(std::uint16_t port, double rate, std::uint64_t calls, double seconds) {
    asio::io_context io(1);
    sip::UserAgent ua{io.get_executor(), bench_ua_config(0)};
    const sip::TransportAddress target{sip::TransportKind::udp, asio::ip::make_address("127.0.0.1"),
                                       port};
    bench::BenchUac uac(ua, target, rate, calls);
    uac.start();
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    while (!uac.done() && std::chrono::steady_clock::now() < deadline)
        io.run_for(std::chrono::milliseconds(50));
    const auto& c = uac.counters();
    std::printf(
        "UAC started=%llu completed=%llu failed=%llu elapsed=%.3f unfinished=%llu "
        "placing_cpu=%.0f\n",
        static_cast<unsigned long long>(c.started), static_cast<unsigned long long>(c.completed),
        static_cast<unsigned long long>(c.failed), uac.elapsed_seconds(),
        static_cast<unsigned long long>(calls - c.completed - c.failed), uac.placing_cpu_percent());
    for (const auto& [reason, count] : c.reasons)
        std::printf("UAC reason %s: %llu\n", reason.c_str(),
                    static_cast<unsigned long long>(count));
    std::fflush(stdout);
    return 0;
}

// ---- orchestration ----
struct Options {
    std::vector<double> rates{500, 1000, 2000, 4000, 6000, 10000, 20000};
    double seconds = 3;
    std::uint64_t max_calls = 60000;
    std::vector<std::string> modes{"lib-uas", "sipp-uas", "lib-uac"};
    std::string sipp = "/usr/bin/sipp";
    bool realtime = false;
    std::size_t uas_max_transactions = 0;  // 0: the library default (sustains 20,000 calls/s)
    int instances = 1;                     // UAS processes (one port each) in lib-uas / sipp-uas
};

long stat_count(const std::map<std::string, std::string>& stats, const std::string& key) {
    auto it = stats.find(key);
    if (it == stats.end() || it->second.empty()) return -1;
    return std::strtol(it->second.c_str(), nullptr, 10);
}

// A "key=value" from a child's summary line starting with @p prefix.
long summary_value(const std::string& log, const std::string& prefix, const std::string& key) {
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(prefix, 0) != 0) continue;
        const auto at = line.find(" " + key + "=");
        if (at == std::string::npos) continue;
        return std::strtol(line.c_str() + at + key.size() + 2, nullptr, 10);
    }
    return -1;
}

std::vector<std::string> sipp_common(const Options& options, const fs::path& dir,
                                     const std::string& name, std::uint16_t port) {
    return {options.sipp,
            "-i",
            "127.0.0.1",
            "-p",
            std::to_string(port),
            "-buff_size",
            std::to_string(sipp_buffer),
            "-nostdin",
            "-trace_stat",
            "-stf",
            (dir / (name + "_stat.csv")).string(),
            "-fd",
            "1",
            "-trace_err",
            "-error_file",
            (dir / (name + "_err.log")).string()};
}

bool wait_for_port(std::uint16_t port, ChildProcess& process) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (process.poll()) return false;
        if (interop::udp_port_taken(port)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

struct StepResult {
    std::string mode;
    double rate = 0;
    std::uint64_t calls = 0;
    long ok = -1;
    long failed = -1;
    long retrans = -1;
    double achieved = 0;
    double server_cpu = 0;  // the UAS side (or the library UAC in lib-uac)
    long server_rss_kib = -1;
    long server_peak_kib = -1;
    double load_cpu = 0;  // the SIPp load generator
    std::string note;
};

void print_header() {
    std::printf("%-9s %7s %7s %7s %6s %8s %9s %8s %9s %9s %8s  %s\n", "mode", "rate", "calls", "ok",
                "failed", "retrans", "achieved", "cpu%", "rss_MiB", "peak_MiB", "sipp%", "notes");
}

void print_row(const StepResult& r) {
    std::printf("%-9s %7.0f %7llu %7ld %6ld %8ld %9.0f %8.1f %9.1f %9.1f %8.1f  %s\n",
                r.mode.c_str(), r.rate, static_cast<unsigned long long>(r.calls), r.ok, r.failed,
                r.retrans, r.achieved, r.server_cpu, static_cast<double>(r.server_rss_kib) / 1024.0,
                static_cast<double>(r.server_peak_kib) / 1024.0, r.load_cpu, r.note.c_str());
    std::fflush(stdout);
}

// Runs @p process until it exits or @p limit; samples its CPU meanwhile (the last sample before it
// exits is its total, since /proc/<pid> goes away once reaped).
std::optional<int> wait_sampling(ChildProcess& process, std::chrono::milliseconds limit,
                                 double& cpu_seconds, long* rss_kib = nullptr) {
    const double start = voip::bench::process_cpu_seconds(process.pid());
    return process.wait(limit, [&] {
        const double now = voip::bench::process_cpu_seconds(process.pid());
        if (now >= 0) cpu_seconds = now - start;
        if (rss_kib != nullptr) {
            // The largest sample: the process's VmHWM is gone once it has been reaped.
            if (const long rss = voip::bench::rss_kib(process.pid()); rss > *rss_kib)
                *rss_kib = rss;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    });
}

// One step against the UAS under test: @p instances UAS processes (one port each: one
// UserAgent per core), each driven by its own `sipp -sn uac` at rate / instances. Figures are
// the sums over the instances (CPU% over 100 = more than one core).
StepResult run_uas_step(const Options& options, bool library, double rate, bool dialog = false) {
    const int instances = std::max(1, options.instances);
    StepResult r;
    r.mode = std::string(dialog    ? "lib-dlg"
                         : library ? "lib-uas"
                                   : "sipp-uas") +
             (instances > 1 ? "x" + std::to_string(instances) : "");
    r.rate = rate;
    r.calls = std::min<std::uint64_t>(options.max_calls,
                                      static_cast<std::uint64_t>(rate * options.seconds));
    ScratchDir dir("voip-cps");
    std::vector<std::unique_ptr<ChildProcess>> servers;
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < instances; ++i) {
        const auto port = interop::free_port();
        const std::string name = "uas" + std::to_string(i);
        std::vector<std::string> uas_args;
        if (library) {
            uas_args = {self_path(), dialog ? "serve-dialog" : "serve-uas", std::to_string(port),
                        std::to_string(options.uas_max_transactions)};
        } else {
            uas_args = sipp_common(options, dir.path(), name, port);
            uas_args.insert(uas_args.begin() + 1, {"-sn", "uas"});
        }
        servers.push_back(
            std::make_unique<ChildProcess>(uas_args, dir.path() / (name + ".out"), dir.path()));
        if (!wait_for_port(port, *servers.back())) {
            r.note = "UAS did not start: " + servers.back()->log();
            return r;
        }
        ports.push_back(port);
    }
    const double share = rate / instances;
    const auto calls_each = r.calls / static_cast<std::uint64_t>(instances);
    r.calls = calls_each * static_cast<std::uint64_t>(instances);
    const auto limit = std::chrono::milliseconds(
        static_cast<long>(1000 * (static_cast<double>(calls_each) / share * 3 + 15)));
    std::vector<voip::bench::CpuMeter> meters;
    meters.reserve(servers.size());
    for (const auto& server : servers)
        meters.emplace_back(server->pid());
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::unique_ptr<ChildProcess>> callers;
    for (int i = 0; i < instances; ++i) {
        const std::string name = "uac" + std::to_string(i);
        auto uac_args = sipp_common(options, dir.path(), name, interop::free_port());
        uac_args.insert(
            uac_args.begin() + 1,
            {"-sn", "uac", "127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(i)]), "-r",
             fmt::format("{:.0f}", share), "-rp", "1000", "-m", std::to_string(calls_each), "-l",
             fmt::format("{:.0f}", std::max(1000.0, share)), "-recv_timeout", "10000", "-timeout",
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) +
                 "s"});
        callers.push_back(
            std::make_unique<ChildProcess>(uac_args, dir.path() / (name + ".out"), dir.path()));
    }
    r.ok = 0;
    r.failed = 0;
    r.retrans = 0;
    r.server_rss_kib = 0;
    r.server_peak_kib = 0;
    // All callers sampled together until each exits (their /proc entries go once reaped).
    std::vector<double> caller_start;
    std::vector<double> caller_cpu(callers.size(), 0.0);
    for (const auto& caller : callers)
        caller_start.push_back(voip::bench::process_cpu_seconds(caller->pid()));
    const auto deadline = started + limit + std::chrono::seconds(5);
    for (;;) {
        bool running = false;
        for (std::size_t i = 0; i < callers.size(); ++i) {
            if (callers[i]->poll()) continue;
            running = true;
            if (const double now = voip::bench::process_cpu_seconds(callers[i]->pid()); now >= 0)
                caller_cpu[i] = now - caller_start[i];
        }
        if (!running) break;
        if (std::chrono::steady_clock::now() > deadline) {
            r.note += "sipp uac timed out; ";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    double load_cpu = 0;
    for (const double cpu : caller_cpu)
        load_cpu += cpu;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double server_cpu = 0;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        server_cpu += meters[i].cpu_seconds();
        r.server_rss_kib += voip::bench::rss_kib(servers[i]->pid());
        r.server_peak_kib += voip::bench::peak_rss_kib(servers[i]->pid());
    }
    r.server_cpu = 100.0 * server_cpu / wall;
    r.load_cpu = 100.0 * load_cpu / wall;
    for (int i = 0; i < instances; ++i) {
        const auto stats = sipp_stats(dir.path() / ("uac" + std::to_string(i) + "_stat.csv"));
        const long ok = stat_count(stats, "SuccessfulCall(C)");
        if (ok < 0) {
            r.note += "no sipp statistics; ";
            continue;
        }
        r.ok += ok;
        r.failed += std::max(0L, stat_count(stats, "FailedCall(C)"));
        r.retrans += std::max(0L, stat_count(stats, "Retransmissions(C)"));
    }
    r.achieved = static_cast<double>(r.ok) / wall;
    // Calls SIPp never finished are failures too (none unless it timed out).
    if (const long missing = static_cast<long>(r.calls) - r.ok - r.failed; missing > 0)
        r.note += fmt::format("{} calls unfinished; ", missing);
    if (dialog) {
        for (auto& server : servers) {
            server->stop();
            const auto log = server->log();
            const auto at = log.find("UAS ");
            r.note += at == std::string::npos ? "no UAS summary" : log.substr(at + 4);
            while (!r.note.empty() && r.note.back() == '\n')
                r.note.pop_back();
        }
        return r;
    }
    long open = 0;
    long retransmits = 0;
    long timeouts = 0;
    long refused = 0;
    long live = 0;
    for (auto& server : servers) {
        server->stop();
        if (!library) continue;
        const auto log = server->log();
        retransmits += summary_value(log, "UAS", "ok_retransmits");
        timeouts += summary_value(log, "UAS", "ack_timeouts");
        open += summary_value(log, "UAS", "open");
        refused += summary_value(log, "UAS", "refused503");
        live += summary_value(log, "UAS", "server_transactions");
    }
    if (library) {
        // open: calls the UAS answered whose ACK/BYE it never saw (SIPp may still count them
        // successful: it takes a retransmitted INVITE 200 as the BYE's 200).
        r.note += fmt::format("uas: 2xx-retrans={} ack-timeouts={} open={} 503={} live-tx={}",
                              retransmits, timeouts, open, refused, live);
    }
    return r;
}

StepResult run_uac_step(const Options& options, double rate) {
    StepResult r;
    r.mode = "lib-uac";
    r.rate = rate;
    r.calls = std::min<std::uint64_t>(options.max_calls,
                                      static_cast<std::uint64_t>(rate * options.seconds));
    ScratchDir dir("voip-cps");
    const auto uas_port = interop::free_port();
    auto uas_args = sipp_common(options, dir.path(), "uas", uas_port);
    uas_args.insert(uas_args.begin() + 1, {"-sn", "uas"});
    ChildProcess uas(uas_args, dir.path() / "uas.out", dir.path());
    if (!wait_for_port(uas_port, uas)) {
        r.note = "sipp uas did not start: " + uas.log();
        return r;
    }
    const double limit_s = static_cast<double>(r.calls) / rate * 3 + 15;
    const voip::bench::CpuMeter sipp_cpu(uas.pid());
    const auto started = std::chrono::steady_clock::now();
    ChildProcess uac(
        {self_path(), "place-calls", std::to_string(uas_port), fmt::format("{:.0f}", rate),
         std::to_string(r.calls), fmt::format("{:.1f}", limit_s)},
        dir.path() / "uac.out", dir.path());
    double uac_cpu = 0;
    auto code =
        wait_sampling(uac, std::chrono::milliseconds(static_cast<long>(limit_s * 1000) + 5000),
                      uac_cpu, &r.server_peak_kib);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    r.server_cpu = 100.0 * uac_cpu / wall;
    r.load_cpu = 100.0 * sipp_cpu.cpu_seconds() / wall;
    if (!code) r.note += "library uac timed out; ";
    const auto log = uac.log();
    r.ok = summary_value(log, "UAC", "completed");
    r.failed = summary_value(log, "UAC", "failed");
    const long unfinished = summary_value(log, "UAC", "unfinished");
    if (unfinished > 0) {
        r.failed += unfinished;
        r.note += fmt::format("{} unfinished; ", unfinished);
    }
    // cpu% above spans the whole step, including the wait for late calls (up to 64*T1).
    if (const long placing = summary_value(log, "UAC", "placing_cpu"); placing >= 0)
        r.note += fmt::format("uac cpu while placing {}%; ", placing);
    r.achieved = r.ok > 0 ? static_cast<double>(r.ok) / wall : 0;
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("UAC reason", 0) == 0) r.note += line.substr(4) + "; ";
    }
    // SIPp writes its statistics once a second (-fd 1) and not when terminated: let it write
    // the final counts first.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    uas.stop();
    const auto stats = sipp_stats(dir.path() / "uas_stat.csv");
    r.retrans = stat_count(stats, "Retransmissions(C)");
    // SIPp's UAS counts a call successful only after its final pause, so only failures here.
    r.note += fmt::format("sipp uas: failed={}", stat_count(stats, "FailedCall(C)"));
    return r;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

int orchestrate(const Options& options) {
    if (!interop::executable(options.sipp)) {
        std::fprintf(stderr, "%s not found (Debian: sip-tester)\n", options.sipp.c_str());
        return 1;
    }
    std::printf("cps_bench: UDP on 127.0.0.1, %g s per step (max %llu calls), %u CPUs\n",
                options.seconds, static_cast<unsigned long long>(options.max_calls),
                std::thread::hardware_concurrency());
    if (options.realtime) {
        // On a box shared with other work (compilers), every process of a step (this one, the
        // UAS, SIPp) runs SCHED_RR so that run-queue delays do not overflow the socket buffers;
        // children inherit it. Bounded: each step ends in seconds and the kernel keeps 5% of
        // each second for the rest (sched_rt_runtime_us).
        const sched_param param{.sched_priority = 10};
        if (::sched_setscheduler(0, SCHED_RR, &param) != 0) {
            std::printf("  --realtime: sched_setscheduler failed (%s); running SCHED_OTHER\n",
                        std::strerror(errno));
        } else {
            std::printf("  --realtime: every process of the run is SCHED_RR priority 10\n");
        }
    }
    auto rmem_max = interop::read_text("/proc/sys/net/core/rmem_max");
    while (!rmem_max.empty() && rmem_max.back() == '\n')
        rmem_max.pop_back();
    std::printf(
        "  net.core.rmem_max = %s bytes (the kernel cap); library SO_RCVBUF asked: %zu; sipp "
        "-buff_size %zu\n",
        rmem_max.empty() ? "?" : rmem_max.c_str(), sip::TransportConfig{}.udp_receive_buffer_bytes,
        sipp_buffer);
    std::printf(
        "  lib-uas / sipp-uas: `sipp -sn uac` drives the UAS; cpu%%/rss = the UAS process, "
        "sipp%% = the SIPp UAC; ok/failed/retrans from SIPp's UAC\n"
        "  lib-uac: the library places the calls against `sipp -sn uas`; cpu%%/rss = the library "
        "UAC, sipp%% = SIPp's UAS; retrans from SIPp's UAS\n"
        "  lib-uas answers at the UserAgent DialogHandler level (bench/common/bench_uas.cpp); "
        "lib-dlg through the Dialog class (bench/cps/bench_dialog.cpp: accept_without_media with "
        "a fixed SDP body, no RTP port; modes: --modes lib-dlg)\n");
    std::printf("  library UAS max server transactions: %s\n",
                options.uas_max_transactions == 0
                    ? "library default"
                    : std::to_string(options.uas_max_transactions).c_str());
    print_header();
    for (const double rate : options.rates) {
        for (const auto& mode : options.modes) {
            StepResult r;
            if (mode == "lib-uas") {
                r = run_uas_step(options, true, rate);
            } else if (mode == "lib-dlg") {
                r = run_uas_step(options, true, rate, true);
            } else if (mode == "sipp-uas") {
                r = run_uas_step(options, false, rate);
            } else if (mode == "lib-uac") {
                r = run_uac_step(options, rate);
            } else {
                std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
                return 2;
            }
            print_row(r);
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        log::set_level(log::Level::warning);
        if (!args.empty() && args[0] == "tx-memory" && args.size() == 2) {
            return bench::measure_transaction_memory(std::stoull(args[1]));
        }
        if (!args.empty() && args[0] == "serve-dialog" && args.size() == 3) {
            return serve_dialog(static_cast<std::uint16_t>(std::stoi(args[1])),
                                std::stoull(args[2]));
        }
        if (!args.empty() && args[0] == "serve-uas" && args.size() == 3) {
            return serve_uas(static_cast<std::uint16_t>(std::stoi(args[1])), std::stoull(args[2]));
        }
        if (!args.empty() && args[0] == "place-calls" && args.size() == 5) {
            return place_calls(static_cast<std::uint16_t>(std::stoi(args[1])), std::stod(args[2]),
                               std::stoull(args[3]), std::stod(args[4]));
        }
        Options options;
        for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
            const auto& key = args[i];
            const auto& value = args[i + 1];
            if (key == "--rates") {
                options.rates.clear();
                for (const auto& r : split(value))
                    options.rates.push_back(std::stod(r));
            } else if (key == "--seconds") {
                options.seconds = std::stod(value);
            } else if (key == "--max-calls") {
                options.max_calls = std::stoull(value);
            } else if (key == "--modes") {
                options.modes = split(value);
            } else if (key == "--instances") {
                options.instances = std::stoi(value);
            } else if (key == "--uas-max-transactions") {
                options.uas_max_transactions = std::stoull(value);
            } else if (key == "--realtime") {
                options.realtime = value == "1" || value == "on";
            } else if (key == "--sipp") {
                options.sipp = value;
            } else {
                std::fprintf(stderr, "unknown option %s\n", key.c_str());
                return 2;
            }
        }
        return orchestrate(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cps_bench: %s\n", e.what());
        return 1;
    }
}
