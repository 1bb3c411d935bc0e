// Scale-out behind Kamailio (issue 10): Kamailio's dispatcher module on 127.0.0.1 in front of
// two library UAS instances, each its own process (voip_scale_uas). SIPp places 200 calls
// through Kamailio (each held 2 s, then BYE); a few seconds in, instance B is terminated. New
// calls must fail over to A (Kamailio marks B inactive after a timeout and its OPTIONS probes),
// the calls in progress on B are lost (their BYE cannot reach it) and nothing else is.
// Prints the distribution. Bounded: about 20 s; every wait has a deadline.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "kamailio.hpp"
#include "sipp.hpp"

namespace {

using namespace std::chrono_literals;
using voip::interop::ChildProcess;
using voip::interop::kamailio;
using voip::interop::ScratchDir;
using voip::interop::sipp;
namespace fs = std::filesystem;

const fs::path scale_dir = VOIP_SCALE_DIR;
constexpr int total_calls = 200;

// "key=value" from the "UAS ..." line an instance prints when it stops; -1 when absent.
long uas_value(const std::string& log, const std::string& key) {
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("UAS ", 0) != 0) continue;
        const auto at = line.find(" " + key + "=");
        if (at != std::string::npos) return std::stol(line.substr(at + key.size() + 2));
    }
    return -1;
}

std::size_t count_lines(const std::string& log, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
        ++n;
    return n;
}

TEST(ScaleOut, KamailioDispatcherFailsOverWhenAnInstanceDies) {
    ASSERT_TRUE(voip::interop::executable(sipp))
        << sipp << " not found: install Debian's sip-tester (scripts/setup-debian.sh)";
    ASSERT_TRUE(voip::interop::executable(kamailio))
        << kamailio << " not found: install Debian's kamailio (scripts/setup-debian.sh)";
    ScratchDir dir("voip-scale");
    const auto port_a = voip::interop::free_port();
    const auto port_b = voip::interop::free_port();
    const auto port_kam = voip::interop::free_port();
    const auto port_sipp = voip::interop::free_port();

    ChildProcess a({VOIP_SCALE_UAS, std::to_string(port_a), "a"}, dir.path() / "a.out");
    ChildProcess b({VOIP_SCALE_UAS, std::to_string(port_b), "b"}, dir.path() / "b.out");
    ASSERT_TRUE(voip::interop::wait_listening(a, port_a, false, 10s)) << a.log();
    ASSERT_TRUE(voip::interop::wait_listening(b, port_b, false, 10s)) << b.log();

    {
        std::ofstream list(dir.path() / "dispatcher.list");
        list << "1 sip:127.0.0.1:" << port_a << "\n1 sip:127.0.0.1:" << port_b << "\n";
    }
    voip::interop::Kamailio kamailio_proxy(
        dir.path(), scale_dir / "kamailio.cfg.in",
        {{"PORT", std::to_string(port_kam)}, {"DIR", dir.path().string()}});
    ASSERT_EQ(kamailio_proxy.check_code(), 0) << "kamailio -c rejected the config:\n"
                                              << kamailio_proxy.check_log();
    ChildProcess& proxy = *kamailio_proxy.process();
    ASSERT_TRUE(voip::interop::wait_listening(proxy, port_kam, false, 15s)) << proxy.log();
    std::this_thread::sleep_for(1500ms);  // a round of OPTIONS probes: both marked up

    // 20 calls/s, each held 2 s: about 40 calls up at once, 20 on each instance.
    const auto stat_file = dir.path() / "sipp_stat.csv";
    ChildProcess caller(voip::interop::sipp_args(
                            scale_dir / "uac_hold.xml", port_sipp, dir.path(),
                            {.remote = "127.0.0.1:" + std::to_string(port_kam),
                             .calls = total_calls,
                             .timeout = "60s",
                             .extra = {"-r", "20", "-l", "100", "-trace_stat", "-stf",
                                       stat_file.string(), "-fd", "1", "-recv_timeout", "10000"}}),
                        dir.path() / "sipp.out", dir.path());

    // Mid-run: B goes away (stops answering anything at once, like a crash), with calls on it.
    std::this_thread::sleep_for(4s);
    ASSERT_FALSE(b.poll().has_value()) << "instance b died early:\n" << b.log();
    b.stop();
    const auto b_log = b.log();
    const long b_answered = uas_value(b_log, "answered");
    const long b_in_progress = uas_value(b_log, "open");

    const auto code = caller.wait(90s, {});
    ASSERT_TRUE(code.has_value()) << "sipp did not finish\n" << caller.log();
    a.stop();
    const auto a_log = a.log();
    const long a_answered = uas_value(a_log, "answered");
    const long a_in_progress = uas_value(a_log, "open");
    const auto stats = voip::interop::sipp_stats(stat_file);
    const long ok = voip::interop::sipp_stat(stats, "SuccessfulCall(C)");
    const long failed = voip::interop::sipp_stat(stats, "FailedCall(C)");
    const auto proxy_log = proxy.log();
    const auto failovers = count_lines(proxy_log, "failover to");

    std::printf(
        "scale-out distribution: %d calls through Kamailio's dispatcher (round-robin, failover)\n"
        "  instance a: answered %ld (still up at the end: %ld)\n"
        "  instance b: answered %ld before it was stopped, %ld of them in progress then (lost)\n"
        "  SIPp: %ld completed, %ld failed; Kamailio failed over %zu INVITEs from b to a\n",
        total_calls, a_answered, a_in_progress, b_answered, b_in_progress, ok, failed, failovers);

    const std::string context =
        "\n--- a\n" + a_log + "\n--- b\n" + b_log + "\n--- sipp errors\n" +
        voip::interop::read_text(voip::interop::sipp_errors_file(dir.path())).substr(0, 4000) +
        "\n--- kamailio (tail)\n" +
        proxy_log.substr(proxy_log.size() > 6000 ? proxy_log.size() - 6000 : 0);
    ASSERT_GE(b_answered, 0) << context;
    ASSERT_GE(a_answered, 0) << context;
    // Every call either completed or counted failed.
    EXPECT_EQ(ok + failed, total_calls) << context;
    // The kill was mid-run: b had calls in progress, and those (only those) were lost.
    EXPECT_GT(b_in_progress, 0) << context;
    EXPECT_EQ(failed, b_in_progress) << context;
    // Each call was answered by exactly one instance: new calls after the kill went to a.
    EXPECT_EQ(a_answered + b_answered, total_calls) << context;
    EXPECT_GT(a_answered, b_answered) << context;
    EXPECT_EQ(a_in_progress, 0) << context;
}

}  // namespace
