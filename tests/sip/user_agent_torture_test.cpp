// RFC 4475 torture messages through a real UDP socket to a running UserAgent: each request
// gets a response the manifest's ua_behaviour column allows (or none where it says discard),
// responses are discarded, and the UserAgent still answers OPTIONS afterwards.
//
// Responses are routed by the top Via (RFC 3261 §18.2.2) and the torture messages name hosts
// in 192.0.2.0/24, so the test prepends its own Via (`127.0.0.1:<its port>`) after the start
// line, as a proxy forwarding the message would. The original Via lines stay below it.

#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "sip/registrar_double.hpp"
#include "sip/sip_test_util.hpp"
#include "sip/transport_test_util.hpp"

namespace voip::sip {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What the ua_behaviour column allows, as status codes (0 = no answer). "well-formed X"
// means: processed, not refused for syntax — for this UA (no dialog layer, the registrar
// double installed for REGISTER) that is the normal answer of each method: OPTIONS 200,
// INVITE 480 (481 when it carries a To tag: no such dialog), REGISTER 401 (not yet
// authenticated), MESSAGE 405 (not served).
const std::map<std::string, std::set<int>>& allowed() {
    static const std::map<std::string, std::set<int>> table = {
        {"wsinv.dat", {480, 481}},    // treat as well-formed INVITE
        {"intmeth.dat", {405, 501}},  // unknown method: 405 or 501
        {"esc01.dat", {480}},         // well-formed
        {"escnull.dat", {401}},       // well-formed REGISTER
        {"esc02.dat", {501}},         // unknown method: 501
        {"lwsdisp.dat", {200}},       // well-formed OPTIONS: 200
        {"longreq.dat", {480, 481}},  // well-formed INVITE
        {"dblreq.dat", {401}},        // first request only
        {"semiuri.dat", {200}},       // well-formed OPTIONS
        {"transports.dat", {200}},    // well-formed OPTIONS
        {"mpart01.dat", {405, 480}},  // well-formed MESSAGE/INVITE
        {"unreason.dat", {0}},        // a response: nothing to answer
        {"noreason.dat", {0}},
        {"badinv01.dat", {400}},
        {"clerr.dat", {400}},
        {"ncl.dat", {400, 0}},  // 400 or discard
        {"scalar02.dat", {400}},
        {"scalarlg.dat", {0}},         // discard the response
        {"quotbal.dat", {400, 480}},   // 400 (or infer the quote)
        {"ltgtruri.dat", {400, 480}},  // 400 (or ignore the brackets)
        {"lwsruri.dat", {400}},
        {"lwsstart.dat", {400, 480}},  // 400 (or be liberal)
        {"trws.dat", {400, 200}},      // 400 (or be liberal)
        {"escruri.dat", {400, 480}},   // 400 (or ignore the escaped headers)
        {"baddate.dat", {400, 480}},   // 400 (or ignore the Date value)
        {"regbadct.dat", {400, 401}},  // 400 (or infer the brackets)
        {"badaspec.dat", {400}},
        {"baddn.dat", {400}},
        {"badvers.dat", {505}},
        {"mismatch01.dat", {400}},
        {"mismatch02.dat", {501, 400}},
        {"bigcode.dat", {0}},      // discard the response
        {"badbranch.dat", {200}},  // syntactically valid OPTIONS
        // RFC 4475 §3.3.1: "Ideally, it will respond with a 400": the Via routes it back; the
        // missing From/To/Call-ID are simply not copied.
        {"insuf.dat", {400}},
        {"unkscm.dat", {416}},
        {"novelsc.dat", {416}},
        {"unksm2.dat", {401}},  // process normally
        {"bext01.dat", {420}},
        {"invut.dat", {415}},
        {"regaut01.dat", {401}},  // 401 challenge
        {"multi01.dat", {400}},
        {"mcl01.dat", {400}},
        {"bcast.dat", {0}},     // discard: matches no client transaction
        {"zeromf.dat", {200}},  // a UAS answers it
        {"cparam01.dat", {401}},
        {"cparam02.dat", {401}},
        {"regescrt.dat", {401}},
        {"sdp01.dat", {406}},
        {"inv2543.dat", {480}},
    };
    return table;
}

class UaTorture : public ::testing::Test {
protected:
    asio::io_context io;
    UserAgent ua{io.get_executor(), [] {
                     UserAgentConfig c;
                     c.listen = {"udp:127.0.0.1:0"};
                     return c;
                 }()};
    test::RegistrarDouble registrar{ua, {{"alice", "secret"}}};
    asio::ip::udp::socket socket{io,
                                 asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::vector<std::string> received;
    std::array<char, 65536> buffer{};
    asio::ip::udp::endpoint from;

    void start_receive() {
        socket.async_receive_from(asio::buffer(buffer), from,
                                  [this](std::error_code ec, std::size_t n) {
                                      if (ec) return;
                                      received.emplace_back(buffer.data(), n);
                                      start_receive();
                                  });
    }

    [[nodiscard]] static std::string branch_of(int n) {
        return "z9hG4bK-torture-" + std::to_string(n) + "-x";
    }

    [[nodiscard]] std::string with_our_via(std::string bytes, int n) const {
        if (bytes.starts_with("SIP/")) return bytes;  // responses go as they are
        const auto eol = bytes.find('\n');
        if (eol == std::string::npos) return bytes;
        const std::string via =
            "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(socket.local_endpoint().port()) +
            ";branch=" + branch_of(n) + "\r\n";
        bytes.insert(eol + 1, via);
        return bytes;
    }

    void send_raw(const std::string& bytes) {
        const auto to = ua.local_address(TransportKind::udp);
        socket.send_to(asio::buffer(bytes), asio::ip::udp::endpoint(to.address, to.port));
    }

    // Status of a received datagram read from its status line (0 if it is not a response):
    // a stateless 400 copies the request's broken header lines, so it may not parse whole.
    static int status_of(std::string_view raw) {
        if (!raw.starts_with("SIP/2.0 ") || raw.size() < 11) return 0;
        int status = 0;
        for (char c : raw.substr(8, 3)) {
            if (c < '0' || c > '9') return 0;
            status = status * 10 + (c - '0');
        }
        return status;
    }

    // Final answers to message n (matched by the branch of our Via: answers to earlier
    // messages, e.g. Timer G retransmissions of a 480 nobody ACKs, are not counted).
    [[nodiscard]] std::vector<std::string> finals_for(int n) const {
        std::vector<std::string> out;
        const std::string branch = "branch=" + branch_of(n);
        for (const auto& r : received) {
            if (status_of(r) >= 200 && r.find(branch) != std::string::npos) out.push_back(r);
        }
        return out;
    }

    // The final answer to message n, or 0 for none within the wait.
    int await_final(int n, std::chrono::milliseconds wait) {
        test::run_until(
            io, [&] { return !finals_for(n).empty(); }, wait);
        auto finals = finals_for(n);
        return finals.empty() ? 0 : status_of(finals.front());
    }
};

bool has_header(std::string_view raw, std::string_view name) {
    // Case-insensitive search for "\n<name>:" in the header section.
    const auto end = raw.find("\r\n\r\n");
    raw = raw.substr(0, end);
    for (std::size_t pos = raw.find('\n'); pos != std::string_view::npos;
         pos = raw.find('\n', pos + 1)) {
        auto line = raw.substr(pos + 1);
        if (line.size() > name.size() && iequals(line.substr(0, name.size()), name) &&
            line[name.size()] == ':') {
            return true;
        }
    }
    return false;
}

TEST_F(UaTorture, EveryRequestGetsTheManifestAnswerAndTheUaKeepsServing) {
    start_receive();
    const auto rows = test::read_torture_manifest();
    ASSERT_EQ(rows.size(), 49U);
    int n = 0;
    for (const auto& row : rows) {
        SCOPED_TRACE(row.file + " (" + row.ua_behaviour + ")");
        auto it = allowed().find(row.file);
        ASSERT_NE(it, allowed().end()) << "no expectation for " << row.file;
        ++n;
        const std::string bytes = test::read_file(test::torture_dir / row.file);
        send_raw(with_our_via(bytes, n));
        const bool expect_silence = it->second == std::set<int>{0};
        const int status = await_final(n, expect_silence ? 300ms : 3s);
        EXPECT_TRUE(it->second.contains(status))
            << row.file << " answered " << status << " (behaviour: " << row.ua_behaviour << ")";
        if (expect_silence) {
            // Nothing at all in answer to a response: any datagram now is a retransmission
            // for an earlier message, which carries an earlier branch.
            continue;
        }
        if (status == 0) continue;
        test::run_for(io, 30ms);
        const auto finals = finals_for(n);
        // One answer (dblreq: the trailing octets are not a second request; retransmissions
        // of the same answer are identical).
        for (const auto& f : finals)
            EXPECT_EQ(f, finals.front());
        const std::string& raw = finals.front();
        if (status == 405 || status == 501 || status == 200) {
            EXPECT_TRUE(has_header(raw, "Allow")) << raw;
        }
        if (status == 415 || status == 406) {
            EXPECT_TRUE(has_header(raw, "Accept")) << raw;
        }
        if (status == 420) {
            auto response = Response::parse(raw);
            ASSERT_TRUE(response) << raw;
            EXPECT_EQ(response->header(HeaderId::unsupported),
                      "nothingSupportsThis, nothingSupportsThisEither");
        }
        if (status == 401) {
            EXPECT_TRUE(has_header(raw, "WWW-Authenticate")) << raw;
        }
        // Every answer names our Via first (it came back to us) and copies the Call-ID when
        // the request had one.
        if (bytes.find("Call-ID:") != std::string::npos) {
            EXPECT_TRUE(has_header(raw, "Call-ID")) << raw;
        }
    }

    // Still serving: a plain OPTIONS gets 200.
    const auto port = std::to_string(socket.local_endpoint().port());
    send_raw(
        "OPTIONS sip:ua@127.0.0.1 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:" +
        port + ";branch=" + branch_of(++n) +
        "\r\n"
        "Max-Forwards: 70\r\nTo: <sip:ua@127.0.0.1>\r\nFrom: <sip:t@127.0.0.1>;tag=zz\r\n"
        "Call-ID: after-torture\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(await_final(n, 3s), 200);
}

}  // namespace
}  // namespace voip::sip
