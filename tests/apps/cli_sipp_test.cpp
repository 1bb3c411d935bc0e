// The `voip` program against SIPp (Debian sip-tester), both started by the test on 127.0.0.1:
// (a) `voip echo` answers SIPp, which plays a PCMU pcap written here (two tone bursts); voip's
//     statistics line must show RTP received and sent, and its echo count the bursts;
// (b) `voip say` calls SIPp's UAS: INVITE, ACK, then its BYE once the text is said; exit 0;
// (c) SIGTERM during a call: voip sends BYE (SIPp waits for it) and exits 0.
// A missing SIPp is a failure, never a silent pass.

#include <gtest/gtest.h>
#include <regex>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "../interop/sipp.hpp"
#include "cli_process.hpp"

namespace voip::cli::test {
namespace {

using namespace std::chrono_literals;

using interop::sipp;
const fs::path scenarios = fs::path(VOIP_TESTS_APPS_DIR) / "sipp";

// ITU-T G.711 µ-law of one 16-bit sample.
std::uint8_t mulaw(std::int16_t sample) {
    constexpr int bias = 0x84;
    constexpr int clip = 32635;
    int s = sample;
    const int sign = s < 0 ? 0x80 : 0;
    if (s < 0) s = -s;
    s = std::min(s, clip) + bias;
    int exponent = 7;
    for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1)
        --exponent;
    const int mantissa = (s >> (exponent + 3)) & 0x0F;
    return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

template <class T>
void put(std::ofstream& out, T value) {  // little-endian host (x86, arm64)
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_be16(std::vector<std::uint8_t>& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void put_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    put_be16(b, static_cast<std::uint16_t>(v >> 16));
    put_be16(b, static_cast<std::uint16_t>(v));
}

// 3 s of PCMU RTP in a pcap (Ethernet/IPv4/UDP): 0.8 s of a two-tone burst, 0.7 s silence,
// another 0.8 s burst, silence. SIPp's play_pcap_audio replays the UDP payloads with the
// capture timing.
void write_pcmu_pcap(const fs::path& path) {
    std::ofstream out(path, std::ios::binary);
    put<std::uint32_t>(out, 0xa1b2c3d4);  // pcap magic, microsecond timestamps
    put<std::uint16_t>(out, 2);
    put<std::uint16_t>(out, 4);
    put<std::int32_t>(out, 0);
    put<std::uint32_t>(out, 0);
    put<std::uint32_t>(out, 65535);
    put<std::uint32_t>(out, 1);  // Ethernet
    constexpr int packets = 150;
    for (int i = 0; i < packets; ++i) {
        std::vector<std::uint8_t> rtp = {0x80, static_cast<std::uint8_t>(i == 0 ? 0x80 : 0x00)};
        put_be16(rtp, static_cast<std::uint16_t>(i));
        put_be32(rtp, static_cast<std::uint32_t>(i * 160));
        put_be32(rtp, 0x5eed1234);
        for (int n = 0; n < 160; ++n) {
            const double t = (i * 160 + n) / 8000.0;
            const bool burst = (t < 0.8) || (t >= 1.5 && t < 2.3);
            const double v = burst ? 0.25 * std::sin(2 * std::numbers::pi * 300 * t) +
                                         0.25 * std::sin(2 * std::numbers::pi * 700 * t)
                                   : 0.0;
            rtp.push_back(mulaw(static_cast<std::int16_t>(v * 32767)));
        }
        std::vector<std::uint8_t> frame(12, 0);  // MAC addresses
        put_be16(frame, 0x0800);
        const auto udp_length = static_cast<std::uint16_t>(8 + rtp.size());
        const auto ip_length = static_cast<std::uint16_t>(20 + udp_length);
        std::vector<std::uint8_t> ip = {0x45, 0};
        put_be16(ip, ip_length);
        put_be16(ip, static_cast<std::uint16_t>(i));
        put_be16(ip, 0);
        ip.push_back(64);
        ip.push_back(17);
        put_be16(ip, 0);  // checksum, below
        put_be32(ip, 0x7f000001);
        put_be32(ip, 0x7f000001);
        std::uint32_t sum = 0;
        for (std::size_t k = 0; k < ip.size(); k += 2)
            sum += static_cast<std::uint32_t>(ip[k] << 8 | ip[k + 1]);
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        ip[10] = static_cast<std::uint8_t>(~sum >> 8);
        ip[11] = static_cast<std::uint8_t>(~sum);
        frame.insert(frame.end(), ip.begin(), ip.end());
        put_be16(frame, 40000);
        put_be16(frame, 40002);
        put_be16(frame, udp_length);
        put_be16(frame, 0);
        frame.insert(frame.end(), rtp.begin(), rtp.end());
        const int usec = i * 20000;
        put<std::uint32_t>(out, static_cast<std::uint32_t>(1700000000 + usec / 1000000));
        put<std::uint32_t>(out, static_cast<std::uint32_t>(usec % 1000000));
        put<std::uint32_t>(out, static_cast<std::uint32_t>(frame.size()));
        put<std::uint32_t>(out, static_cast<std::uint32_t>(frame.size()));
        out.write(reinterpret_cast<const char*>(frame.data()),
                  static_cast<std::streamsize>(frame.size()));
    }
}

// SIPp's one call (to @p remote, if given), media on 127.0.0.1, bounded by 40 s.
std::vector<std::string> sipp_args(const fs::path& scenario, std::uint16_t port, const TempDir& dir,
                                   std::string remote = {}) {
    return interop::sipp_args(
        scenario, port, dir.path(),
        {.remote = std::move(remote), .timeout = "40s", .extra = {"-mi", "127.0.0.1"}});
}

// True once SIPp, waiting to be called, listens on @p port (bounded 5 s).
bool listening(Process& sipp_uas, std::uint16_t port) {
    interop::wait_listening(sipp_uas, port, false, 5s);
    return interop::udp_port_taken(port);
}

std::string diagnostics(Process& voip, Process& peer, const TempDir& dir) {
    return "--- voip stdout\n" + voip.out() + "--- voip stderr\n" + voip.err() +
           interop::sipp_diagnostics(peer, dir.path());
}

// The numbers of voip's statistics line.
struct Stats {
    long sent = -1;
    long received = -1;
};
Stats parse_stats(const std::string& out) {
    static const std::regex line(R"(RTP [^:]*: sent (\d+) packets, received (\d+) packets)");
    std::smatch m;
    if (!std::regex_search(out, m, line)) return {};
    return {std::stol(m[1]), std::stol(m[2])};
}

class CliSipp : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(interop::executable(sipp))
            << sipp << " not found: install Debian's sip-tester (scripts/setup-debian.sh)";
    }
};

TEST_F(CliSipp, EchoAnswersAndSendsThePcapAudioBack) {
    TempDir dir;
    const auto pcap = dir.path() / "pcmu.pcap";
    write_pcmu_pcap(pcap);
    auto scenario = read_text(scenarios / "echo_uac_pcap.xml.in");
    for (auto at = scenario.find("@PCAP@"); at != std::string::npos; at = scenario.find("@PCAP@"))
        scenario.replace(at, 6, pcap.string());
    const auto scenario_file = dir.path() / "echo_uac_pcap.xml";
    std::ofstream(scenario_file) << scenario;

    const auto port = interop::free_port();
    Process voip({VOIP_CLI_PATH, "echo", "--listen", "udp:127.0.0.1:" + std::to_string(port),
                  "--calls", "1", "--duration", "60", "--srtp", "off", "--codecs", "pcmu"},
                 dir.path());
    ASSERT_TRUE(voip.wait_for_output("waiting for calls", 20s)) << voip.out() << voip.err();

    Process peer(
        sipp_args(scenario_file, interop::free_port(), dir, "127.0.0.1:" + std::to_string(port)),
        dir.path());
    const auto sipp_rc = peer.wait(60s);
    const auto voip_rc = voip.wait(20s);
    const auto why = diagnostics(voip, peer, dir);
    ASSERT_EQ(sipp_rc, 0) << why;
    ASSERT_EQ(voip_rc, 0) << why;  // --calls 1: it leaves after the call

    const auto out = voip.out();
    EXPECT_NE(out.find("incoming call"), std::string::npos) << why;
    EXPECT_NE(out.find("PCMU/8000"), std::string::npos) << why;
    const auto stats = parse_stats(out);
    // 3 s of pcap at 50 packets/s; voip sends all call long (silence between utterances).
    EXPECT_GE(stats.received, 100) << why;
    EXPECT_GE(stats.sent, 100) << why;
    // Both tone bursts came back as utterances.
    static const std::regex echoed(R"(echoed (\d+) utterance)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, echoed)) << why;
    EXPECT_GE(std::stol(m[1]), 2) << why;
}

TEST_F(CliSipp, SayCallsSippAndHangsUpWhenDone) {
    TempDir dir;
    const auto port = interop::free_port();
    Process peer(sipp_args(scenarios / "say_uas.xml", port, dir), dir.path());
    ASSERT_TRUE(listening(peer, port)) << peer.out() << peer.err();

    Process voip({VOIP_CLI_PATH, "say", "sip:sipp@127.0.0.1:" + std::to_string(port),
                  "hello from the test", "--srtp", "off", "--duration", "40", "-v"},
                 dir.path());
    const auto voip_rc = voip.wait(60s);
    const auto sipp_rc = peer.wait(20s);
    const auto why = diagnostics(voip, peer, dir);
    ASSERT_EQ(voip_rc, 0) << why;
    ASSERT_EQ(sipp_rc, 0) << why;  // INVITE, ACK and BYE arrived as the scenario expects
    const auto out = voip.out();
    EXPECT_NE(out.find("answered: PCMU/8000"), std::string::npos) << why;
    EXPECT_NE(out.find("saying \"hello from the test\""), std::string::npos) << why;
    EXPECT_NE(out.find("we hung up"), std::string::npos) << why;
    EXPECT_GE(parse_stats(out).sent, 50) << why;  // about a second of speech at 50 packets/s
    // -v: every SIP message, both ways, whole.
    EXPECT_NE(out.find(">>> to udp:127.0.0.1:" + std::to_string(port)), std::string::npos) << why;
    EXPECT_NE(out.find("<<< from udp:127.0.0.1:" + std::to_string(port)), std::string::npos) << why;
    EXPECT_NE(out.find("INVITE sip:sipp@127.0.0.1:" + std::to_string(port) + " SIP/2.0"),
              std::string::npos)
        << why;
    EXPECT_NE(out.find("SIP/2.0 180 Ringing"), std::string::npos) << why;
    EXPECT_NE(out.find("BYE sip:"), std::string::npos) << why;
}

TEST_F(CliSipp, SigtermDuringACallSendsByeAndExitsZero) {
    TempDir dir;
    const auto port = interop::free_port();
    Process voip({VOIP_CLI_PATH, "echo", "--listen", "udp:127.0.0.1:" + std::to_string(port),
                  "--duration", "60", "--srtp", "off"},
                 dir.path());
    ASSERT_TRUE(voip.wait_for_output("waiting for calls", 20s)) << voip.out() << voip.err();
    Process peer(sipp_args(scenarios / "uac_expects_bye.xml", interop::free_port(), dir,
                           "127.0.0.1:" + std::to_string(port)),
                 dir.path());
    ASSERT_TRUE(voip.wait_for_output("answered", 20s)) << diagnostics(voip, peer, dir);
    std::this_thread::sleep_for(300ms);  // let the ACK arrive
    voip.signal(SIGTERM);
    const auto voip_rc = voip.wait(20s);
    const auto sipp_rc = peer.wait(20s);
    const auto why = diagnostics(voip, peer, dir);
    EXPECT_EQ(voip_rc, 0) << why;
    EXPECT_EQ(sipp_rc, 0) << why;  // the BYE came
    EXPECT_NE(voip.out().find("we hung up"), std::string::npos) << why;
}

TEST_F(CliSipp, RegistersWithDigestAndUnregistersOnExit) {
    TempDir dir;
    const auto port = interop::free_port();
    Process registrar(sipp_args(scenarios / "registrar_unregister.xml", port, dir), dir.path());
    ASSERT_TRUE(listening(registrar, port)) << registrar.out() << registrar.err();

    // The password comes from $SIP_PASSWORD (the AOR carries none).
    Process voip({VOIP_CLI_PATH, "sip:alice@127.0.0.1:" + std::to_string(port), "echo", "--listen",
                  "udp:127.0.0.1:0", "--duration", "2"},
                 dir.path(), {"SIP_PASSWORD=secret"});
    const auto voip_rc = voip.wait(40s);
    const auto sipp_rc = registrar.wait(20s);
    const auto why = diagnostics(voip, registrar, dir);
    ASSERT_EQ(voip_rc, 0) << why;
    ASSERT_EQ(sipp_rc, 0) << why;  // 401, good credentials, then the Expires 0 REGISTER
    EXPECT_NE(voip.out().find("registered as sip:alice@"), std::string::npos) << why;
    EXPECT_NE(voip.out().find("unregistering"), std::string::npos) << why;
}

TEST_F(CliSipp, WrongPasswordFailsWithExitOne) {
    TempDir dir;
    const auto port = interop::free_port();
    Process registrar(sipp_args(scenarios / "registrar_unregister.xml", port, dir), dir.path());
    ASSERT_TRUE(listening(registrar, port)) << registrar.out() << registrar.err();
    Process voip({VOIP_CLI_PATH, "sip:alice:wrong@127.0.0.1:" + std::to_string(port), "echo",
                  "--listen", "udp:127.0.0.1:0", "--duration", "30"},
                 dir.path());
    const auto voip_rc = voip.wait(40s);
    const auto why = diagnostics(voip, registrar, dir);
    ASSERT_EQ(voip_rc, 1) << why;
    const auto err = voip.err();
    EXPECT_NE(err.find("registration failed"), std::string::npos) << why;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << why;
}

}  // namespace
}  // namespace voip::cli::test
