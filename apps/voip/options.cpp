#include "options.hpp"

#include <voip/codec/registry.hpp>

#include <CLI/CLI.hpp>
#include <asio/ip/address.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>
#include <unistd.h>

namespace voip::cli {

namespace {

constexpr std::uint16_t default_sip_port = 5062;

// Global options every command takes. Each subcommand declares them itself (bound to the
// same fields) so that `voip <command> --help` lists them.
void add_common(CLI::App& sub, RawOptions& raw) {
    sub.add_option("--listen", raw.listen,
                   "SIP listen address: udp:127.0.0.1:5062, tcp:0.0.0.0:5060, tls:[::1]:5061 "
                   "(repeatable; default udp on port 5062 without an AOR, an ephemeral one with)")
        ->type_name("ADDR");
    sub.add_option("--advertise", raw.advertise,
                   "IP address put in SDP c= for media (default: the listen address, or the "
                   "one facing the peer when listening on a wildcard); the Contact keeps the "
                   "SIP transport's own address")
        ->type_name("IP");
    sub.add_option("--rtp-ports", raw.rtp_ports, "RTP port range, e.g. 20000-20999")
        ->type_name("FIRST-LAST");
    sub.add_option("--codecs", raw.codecs,
                   "codecs in preference order, from opus,g722,pcmu,pcma (default: all)")
        ->type_name("LIST");
    sub.add_option("--transport", raw.transport,
                   "SIP transport towards the registrar and dialled targets: udp, tcp or tls")
        ->type_name("KIND");
    sub.add_option("--stun-server", raw.stun_server,
                   "STUN server (host[:port]) asked for the public RTP address")
        ->type_name("HOST:PORT");
    sub.add_option("--srtp", raw.srtp, "SRTP (SDES keys): required, preferred or off")
        ->type_name("POLICY")
        ->default_str("preferred");
    sub.add_flag("--no-verify-tls", raw.no_verify_tls,
                 "accept any TLS certificate (lab set-ups only)");
    sub.add_option("--ca-file", raw.ca_file, "PEM file of trusted CAs (default: system store)")
        ->type_name("FILE");
    sub.add_option("--tls-cert", raw.tls_certificate, "PEM certificate for tls: listeners")
        ->type_name("FILE");
    sub.add_option("--tls-key", raw.tls_key, "PEM private key for tls: listeners")
        ->type_name("FILE");
    sub.add_flag("-v,--verbose", raw.verbosity,
                 "print SIP messages (-v), library logs (-vv), debug details (-vvv)");
    sub.add_option("--duration", raw.duration, "exit after this many seconds")
        ->type_name("SECONDS");
    sub.add_option("--calls", raw.calls, "exit after this many calls ended")->type_name("N");
    sub.add_option("--color", raw.color, "colour output: auto, always or never")
        ->type_name("WHEN")
        ->default_str("auto");
}

void add_dial(CLI::App& sub, RawOptions& raw) {
    sub.add_option("--dial", raw.dial, "call this SIP URI instead of waiting for calls")
        ->type_name("TARGET");
    sub.add_option("--ring", raw.ring_seconds,
                   "ring this many seconds before answering an incoming call")
        ->type_name("SECONDS");
}

bool starts_with_scheme(std::string_view text) {
    return text.starts_with("sip:") || text.starts_with("sips:") || text.starts_with("SIP:") ||
           text.starts_with("SIPS:");
}

// A SIP URI that names somebody at a host: for AORs and dial targets.
std::optional<sip::Uri> parse_sip_uri(std::string_view text, std::string& why) {
    if (!starts_with_scheme(text)) {
        why = "expected sip:user@host or sips:user@host";
        return std::nullopt;
    }
    auto uri = sip::Uri::parse(text);
    if (!uri) {
        why = uri.error().message();
        return std::nullopt;
    }
    if (uri->host().empty()) {
        why = "no host";
        return std::nullopt;
    }
    return std::move(uri).value();
}

bool readable_file(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), R_OK) == 0;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// host[:port] or [v6]:port; returns false when malformed.
bool valid_host_port(std::string_view text) {
    if (text.empty()) return false;
    std::string_view host = text;
    std::string_view port;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return false;
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            port = rest.substr(1);
        }
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return false;  // v6 without brackets
    }
    if (host.empty()) return false;
    if (text.front() != '[') {
        const bool ok = std::all_of(host.begin(), host.end(), [](unsigned char c) {
            return std::isalnum(c) != 0 || c == '.' || c == '-';
        });
        if (!ok) return false;
    }
    if (text.front() == '[' || !port.empty()) {
        unsigned value = 0;
        const auto* end = port.data() + port.size();
        const auto [p, ec] = std::from_chars(port.data(), end, value);
        if (!port.empty() && (ec != std::errc{} || p != end || value == 0 || value > 65535)) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string_view to_string(Command command) noexcept {
    switch (command) {
        case Command::echo:
            return "echo";
        case Command::say:
            return "say";
        case Command::transcribe:
            return "transcribe";
        case Command::record:
            return "record";
        case Command::play:
            return "play";
        case Command::demo:
            return "demo";
    }
    return "?";
}

Environment Environment::from_process() {
    Environment env;
    // NOLINTBEGIN(concurrency-mt-unsafe): read once at start-up, before any thread exists.
    if (const char* v = std::getenv("SIP_AOR")) env.sip_aor = v;
    if (const char* v = std::getenv("SIP_PASSWORD")) env.sip_password = v;
    env.no_color = std::getenv("NO_COLOR") != nullptr;
    const char* term = std::getenv("TERM");
    // NOLINTEND(concurrency-mt-unsafe)
    env.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1 && !(term && std::string_view(term) == "dumb");
    return env;
}

void declare_options(CLI::App& app, RawOptions& raw, std::optional<Command>& command) {
    app.description(
        "voip: answer and make SIP calls from the command line (libvoip).\n"
        "With an AOR (argument or $SIP_AOR; password from $SIP_PASSWORD or the AOR) it "
        "registers there; without one it works peer-to-peer on --listen.");
    app.add_option("aor", raw.aor, "address of record to register, e.g. sip:alice@example.com")
        ->type_name("AOR");
    app.set_version_flag("--version", "voip (libvoip) 0.1");
    app.require_subcommand(1);
    app.footer(
        "Examples:\n"
        "  voip echo --listen udp:127.0.0.1:5062          answer calls, echo what callers say\n"
        "  voip say sip:bob@127.0.0.1:5062 \"hello\"        call, speak, hang up\n"
        "  SIP_PASSWORD=secret voip sip:alice@pbx.example.com transcribe\n"
        "  voip demo                                       two agents on loopback, no server\n"
        "Run 'voip <command> --help' for the options of a command.\n"
        "Exit codes: 0 success, 1 call or network failure, 2 bad arguments.");

    auto* echo = app.add_subcommand("echo", "answer calls and echo every utterance back");
    add_common(*echo, raw);
    add_dial(*echo, raw);
    echo->callback([&command] { command = Command::echo; });

    auto* say = app.add_subcommand("say", "call a target, speak a text (TTS), hang up");
    say->add_option("target", raw.target, "SIP URI to call, e.g. sip:bob@127.0.0.1:5062")
        ->required()
        ->type_name("TARGET");
    say->add_option("text", raw.text, "what to say")->required()->type_name("TEXT");
    add_common(*say, raw);
    say->callback([&command] { command = Command::say; });

    auto* transcribe =
        app.add_subcommand("transcribe", "answer calls and print what callers say (STT)");
    add_common(*transcribe, raw);
    add_dial(*transcribe, raw);
    transcribe->callback([&command] { command = Command::transcribe; });

    auto* record = app.add_subcommand(
        "record",
        "answer calls and record what callers say to a WAV file (name-2.wav, ... "
        "for later calls)");
    record->add_option("file", raw.file, "WAV file to write")->required()->type_name("FILE.wav");
    add_common(*record, raw);
    add_dial(*record, raw);
    record->callback([&command] { command = Command::record; });

    auto* play = app.add_subcommand("play", "answer calls (or --dial) and play a WAV file");
    play->add_option("file", raw.file, "audio file to play (WAV, any rate)")
        ->required()
        ->type_name("FILE.wav");
    add_common(*play, raw);
    add_dial(*play, raw);
    play->callback([&command] { command = Command::play; });

    auto* demo = app.add_subcommand(
        "demo",
        "two user agents on loopback: one says a sentence over SIP+SRTP+Opus, the "
        "other transcribes it; no account or server needed");
    demo->add_option("--sentence", raw.demo_sentence, "what the caller says")->type_name("TEXT");
    demo->add_option("--threshold", raw.demo_threshold,
                     "share of the sentence's words the transcription must contain (0-1)")
        ->type_name("FRACTION");
    demo->add_option("--timeout", raw.demo_timeout, "give up after this many seconds")
        ->type_name("SECONDS");
    demo->add_flag("-v,--verbose", raw.verbosity,
                   "print SIP messages (-v), library logs (-vv), debug details (-vvv)");
    demo->add_option("--color", raw.color, "colour output: auto, always or never")
        ->type_name("WHEN")
        ->default_str("auto");
    demo->callback([&command] { command = Command::demo; });
}

std::optional<PortRange> parse_port_range(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto number = [](std::string_view s) -> std::optional<unsigned> {
        unsigned value = 0;
        const auto* end = s.data() + s.size();
        const auto [p, ec] = std::from_chars(s.data(), end, value);
        if (s.empty() || ec != std::errc{} || p != end) return std::nullopt;
        return value;
    };
    const auto first = number(text.substr(0, dash));
    const auto last = number(text.substr(dash + 1));
    if (!first || !last || *first < 1024 || *last > 65535 || *first > *last) return std::nullopt;
    // One call needs an even RTP port and the RTCP port above it.
    const unsigned even = *first % 2 == 0 ? *first : *first + 1;
    if (even + 1 > *last) return std::nullopt;
    return PortRange{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)};
}

CodecList parse_codecs(std::string_view text) {
    CodecList out;
    const auto registry = codec::Registry::with_defaults();
    while (!text.empty()) {
        const auto comma = text.find(',');
        auto name = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        const auto codec = name.empty() ? nullptr : registry.find(name);
        if (!codec) {
            out.unknown = name.empty() ? std::string("(empty)") : std::string(name);
            return out;
        }
        const auto& canonical = codec->format().encoding_name;
        if (std::find(out.names.begin(), out.names.end(), canonical) == out.names.end()) {
            out.names.push_back(canonical);
        }
    }
    return out;
}

Validated validate(Command command, const RawOptions& raw, const Environment& env) {
    auto fail = [](std::string message) { return Validated{std::nullopt, std::move(message)}; };
    Options o;
    o.command = command;
    o.verbosity = raw.verbosity;

    if (raw.color == "always") {
        o.color = true;
    } else if (raw.color == "never") {
        o.color = false;
    } else if (raw.color == "auto") {
        o.color = env.stdout_is_tty && !env.no_color;
    } else {
        return fail(fmt::format("bad --color '{}': expected auto, always or never", raw.color));
    }

    if (command == Command::demo) {
        o.demo_sentence = raw.demo_sentence;
        if (raw.demo_threshold > 1) return fail("bad --threshold: expected 0 to 1");
        if (raw.demo_threshold >= 0) o.demo_threshold = raw.demo_threshold;
        if (raw.demo_timeout < 0 || raw.demo_timeout > 3600) {
            return fail("bad --timeout: expected 1 to 3600 seconds");
        }
        if (raw.demo_timeout > 0) {
            o.demo_timeout = std::chrono::seconds(std::lround(raw.demo_timeout));
        }
        return Validated{std::move(o), {}};
    }

    std::string why;
    const std::string& aor_text = raw.aor.empty() ? env.sip_aor : raw.aor;
    if (!aor_text.empty()) {
        auto aor = parse_sip_uri(aor_text, why);
        if (!aor) return fail(fmt::format("malformed AOR '{}': {}", aor_text, why));
        if (aor->user().empty()) {
            return fail(fmt::format("malformed AOR '{}': no user (sip:user@host)", aor_text));
        }
        o.password = !env.sip_password.empty() ? env.sip_password
                                               : std::string(aor->password().value_or(""));
        o.aor = std::move(aor);
    }

    if (!raw.transport.empty()) {
        o.transport = sip::transport_kind_from(raw.transport);
        if (!o.transport) {
            return fail(
                fmt::format("unknown transport '{}': expected udp, tcp or tls", raw.transport));
        }
    }

    if (!raw.dial.empty() || command == Command::say) {
        const std::string& text = command == Command::say ? raw.target : raw.dial;
        auto target = parse_sip_uri(text, why);
        if (!target) return fail(fmt::format("bad target '{}': {}", text, why));
        o.dial = std::move(target);
    }

    for (const auto& listen : raw.listen) {
        auto address = sip::TransportAddress::parse(listen);
        if (!address) {
            return fail(fmt::format(
                "bad --listen '{}': expected udp:|tcp:|tls: then IP:port (IPv6 in brackets)",
                listen));
        }
        if (address->kind == sip::TransportKind::tls &&
            (raw.tls_certificate.empty() || raw.tls_key.empty())) {
            return fail(fmt::format("--listen {} needs --tls-cert and --tls-key", listen));
        }
        o.listen.push_back(address->to_string());
    }
    if (o.listen.empty()) {
        // Waiting for calls peer-to-peer needs a known port; otherwise any port will do.
        const bool known_port = !o.aor && !o.dial;
        const auto kind = o.transport.value_or(sip::TransportKind::udp);
        if (kind == sip::TransportKind::tls &&
            (raw.tls_certificate.empty() || raw.tls_key.empty())) {
            // A TLS client needs no listener: dial and register over TLS from a TCP one.
            o.listen.push_back(fmt::format("tcp:0.0.0.0:{}", known_port ? default_sip_port : 0));
        } else {
            o.listen.push_back(fmt::format("{}:0.0.0.0:{}", sip::to_string(kind),
                                           known_port ? default_sip_port : 0));
        }
    }

    if (!raw.advertise.empty()) {
        std::error_code ec;
        (void)asio::ip::make_address(raw.advertise, ec);
        if (ec) return fail(fmt::format("bad --advertise '{}': not an IP address", raw.advertise));
        o.advertise = raw.advertise;
    }

    if (!raw.rtp_ports.empty()) {
        const auto range = parse_port_range(raw.rtp_ports);
        if (!range) {
            return fail(fmt::format(
                "bad --rtp-ports '{}': expected FIRST-LAST within 1024-65535, holding an even "
                "port and the one above it",
                raw.rtp_ports));
        }
        o.rtp_ports = *range;
    }

    if (!raw.codecs.empty()) {
        auto codecs = parse_codecs(raw.codecs);
        if (!codecs.unknown.empty()) {
            return fail(
                fmt::format("unknown codec '{}' in --codecs: expected opus, g722, pcmu "
                            "or pcma",
                            codecs.unknown));
        }
        o.codecs = std::move(codecs.names);
    }

    if (!raw.stun_server.empty()) {
        if (!valid_host_port(raw.stun_server)) {
            return fail(
                fmt::format("bad --stun-server '{}': expected host[:port]", raw.stun_server));
        }
        o.stun_server = raw.stun_server;
    }

    const auto srtp = lower(raw.srtp);
    if (srtp == "required") {
        o.srtp = sdp::CryptoPolicy::required;
    } else if (srtp == "preferred") {
        o.srtp = sdp::CryptoPolicy::preferred;
    } else if (srtp == "off") {
        o.srtp = sdp::CryptoPolicy::off;
    } else {
        return fail(fmt::format("bad --srtp '{}': expected required, preferred or off", raw.srtp));
    }

    o.verify_tls = !raw.no_verify_tls;
    for (const auto* file : {&raw.ca_file, &raw.tls_certificate, &raw.tls_key}) {
        if (!file->empty() && !readable_file(*file)) {
            return fail(fmt::format("cannot read '{}'", *file));
        }
    }
    o.ca_file = raw.ca_file;
    o.tls_certificate = raw.tls_certificate;
    o.tls_key = raw.tls_key;

    if (raw.duration < 0) return fail("bad --duration: must not be negative");
    if (raw.duration > 0) {
        o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(raw.duration * 1000));
    }
    if (raw.calls < 0) return fail("bad --calls: must not be negative");
    if (raw.calls > 0) o.calls = static_cast<unsigned>(raw.calls);
    if (raw.ring_seconds < 0 || raw.ring_seconds > 300) {
        return fail("bad --ring: expected 0 to 300 seconds");
    }
    o.ring_time = std::chrono::milliseconds(static_cast<std::int64_t>(raw.ring_seconds * 1000));

    if (command == Command::say) {
        if (raw.text.empty()) return fail("say: nothing to say (empty text)");
        o.text = raw.text;
    }
    if (command == Command::play) {
        if (!readable_file(raw.file)) return fail(fmt::format("play: no such file '{}'", raw.file));
        o.file = raw.file;
    }
    if (command == Command::record) {
        const std::filesystem::path file = raw.file;
        const auto folder = file.has_parent_path() ? file.parent_path() : ".";
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec)) {
            return fail(
                fmt::format("record: no folder '{}' to write '{}' in", folder.string(), raw.file));
        }
        if (file.filename().empty() || std::filesystem::is_directory(file, ec)) {
            return fail(fmt::format("record: '{}' is not a file name", raw.file));
        }
        o.file = file;
    }
    return Validated{std::move(o), {}};
}

}  // namespace voip::cli
