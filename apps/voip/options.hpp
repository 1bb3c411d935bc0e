#pragma once
// The `voip` program's command line: what the user asked for, checked before any socket opens.
// Parsing (CLI11) fills RawOptions; validate() turns it into Options or a one-line error, so a
// bad argument never reaches the network code.

#include <voip/sdp/offer_answer.hpp>
#include <voip/sip/transport_address.hpp>
#include <voip/sip/uri.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace voip::cli {

enum class Command { echo, say, transcribe, record, play, demo };

[[nodiscard]] std::string_view to_string(Command command) noexcept;

/// RTP ports to take (even ones for RTP, the odd one above for RTCP).
struct PortRange {
    std::uint16_t first = 16384;
    std::uint16_t last = 32767;
};

/// What CLI11 fills in: text as typed, checked later by validate().
struct RawOptions {
    std::string aor;  ///< positional before the command, or $SIP_AOR
    std::vector<std::string> listen;
    std::string advertise;
    std::string rtp_ports;
    std::string codecs;
    std::string transport;
    std::string stun_server;
    std::string srtp = "preferred";
    bool no_verify_tls = false;
    std::string ca_file;
    std::string tls_certificate;
    std::string tls_key;
    int verbosity = 0;
    double duration = 0;  ///< seconds, 0 = unbounded
    int calls = 0;        ///< 0 = unbounded
    double ring_seconds = 0;
    std::string dial;
    std::string target;  ///< say <target>
    std::string text;    ///< say "text"
    std::string file;    ///< record/play <file.wav>
    std::string color = "auto";
    // demo
    std::string demo_sentence;
    double demo_threshold = -1;  ///< < 0: the demo's default
    double demo_timeout = 0;     ///< seconds, 0: the demo's default
};

/// Everything the commands need, validated.
struct Options {
    Command command = Command::echo;
    std::optional<sip::Uri> aor;  ///< register there when set
    std::string password;         ///< $SIP_PASSWORD, else the AOR's userinfo password
    std::vector<std::string> listen;
    std::string advertise;  ///< address for SDP c= (empty: derived); not the Contact
    PortRange rtp_ports;
    std::vector<std::string> codecs;  ///< encoding names, preference order
    std::optional<sip::TransportKind> transport;
    std::string stun_server;  ///< host:port, empty = off
    sdp::CryptoPolicy srtp = sdp::CryptoPolicy::preferred;
    bool verify_tls = true;
    std::string ca_file;
    std::string tls_certificate;
    std::string tls_key;
    int verbosity = 0;
    std::optional<std::chrono::milliseconds> duration;  ///< stop after this long
    std::optional<unsigned> calls;                      ///< stop after this many calls ended
    std::chrono::milliseconds ring_time{0};             ///< answer after ringing this long
    std::optional<sip::Uri> dial;                       ///< call out instead of waiting
    std::string text;                                   ///< say
    std::filesystem::path file;                         ///< record / play
    bool color = false;
    std::string demo_sentence;             ///< empty: the demo's own sentence
    std::optional<double> demo_threshold;  ///< word overlap needed (0..1)
    std::optional<std::chrono::seconds> demo_timeout;
};

/// Environment the options read ($SIP_AOR, $SIP_PASSWORD, whether stdout is a terminal).
struct Environment {
    std::string sip_aor;
    std::string sip_password;
    bool stdout_is_tty = false;
    bool no_color = false;  ///< $NO_COLOR set
    static Environment from_process();
};

/// Declares every command and option on @p app, writing into @p raw; the command chosen is
/// recorded in @p command once parsing ran.
void declare_options(CLI::App& app, RawOptions& raw, std::optional<Command>& command);

/// Checks and converts; returns the one-line error message on failure.
struct Validated {
    std::optional<Options> options;
    std::string error;
};
[[nodiscard]] Validated validate(Command command, const RawOptions& raw, const Environment& env);

/// "20000-20999" → range; nullopt if malformed, reversed, outside 1024-65535 or holding no
/// even/odd pair.
[[nodiscard]] std::optional<PortRange> parse_port_range(std::string_view text);

/// "opus,g722,pcmu" → {"opus","G722","PCMU"} (canonical names); nullopt names the bad one.
struct CodecList {
    std::vector<std::string> names;
    std::string unknown;  ///< set when a name is not a codec we have
};
[[nodiscard]] CodecList parse_codecs(std::string_view text);

}  // namespace voip::cli
