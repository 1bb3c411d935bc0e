// SessionDescription::parse: RFC 8866 §5 structure, line by line, with limits for untrusted
// input. Known attributes are checked here so a malformed one is refused with its line number;
// unknown ones are kept as written.
#include <voip/sdp/session_description.hpp>

#include <string>

#include "sdp/text.hpp"

namespace voip::sdp {
namespace {

// RFC 8866 §5: the order of the session-level lines, as ranks; a line may follow lines of a
// lower or equal rank only.
int session_rank(char type) noexcept {
    switch (type) {
        case 'v':
            return 0;
        case 'o':
            return 1;
        case 's':
            return 2;
        case 'i':
            return 3;
        case 'u':
            return 4;
        case 'e':
            return 5;
        case 'p':
            return 6;
        case 'c':
            return 7;
        case 'b':
            return 8;
        case 't':
            return 9;
        case 'r':
            return 10;
        case 'z':
            return 11;
        case 'k':
            return 12;
        case 'a':
            return 13;
        case 'm':
            return 14;
        default:
            return -1;
    }
}

bool session_repeatable(char type) noexcept {
    return type == 'e' || type == 'p' || type == 'b' || type == 'r' || type == 'a';
}

// Within a media description: m i c b k a.
int media_rank(char type) noexcept {
    switch (type) {
        case 'i':
            return 1;
        case 'c':
            return 2;
        case 'b':
            return 3;
        case 'k':
            return 4;
        case 'a':
            return 5;
        default:
            return -1;
    }
}

bool media_repeatable(char type) noexcept {
    return type == 'c' || type == 'b' || type == 'a';
}

class Parser {
public:
    Parser(const ParseLimits& limits, ParseError* error) : limits_(limits), error_(error) {}

    Result<SessionDescription> run(std::string_view text);

private:
    Result<void> line(char type, std::string_view value);
    Result<void> session_line(char type, std::string_view value);
    Result<void> media_line(char type, std::string_view value);
    Result<void> finish();

    Result<void> fail(Errc code, std::string detail) {
        if (error_ != nullptr) {
            error_->line = line_no_;
            error_->type = type_;
            error_->detail = std::move(detail);
        }
        return code;
    }

    const ParseLimits& limits_;
    ParseError* error_;
    SessionDescription sd_;
    std::size_t line_no_ = 0;
    char type_ = 0;
    int rank_ = -1;       // session rank reached so far
    int media_rank_ = 0;  // rank inside the current media section
    bool in_media_ = false;
    std::vector<std::size_t> media_lines_;  // line number of each m=
};

Result<Origin> parse_origin(std::string_view value) {
    auto f = detail::split(value, ' ');
    if (f.size() != 6) return Errc::bad_origin;
    for (auto field : f) {
        if (!detail::is_non_ws_string(field)) return Errc::bad_origin;
    }
    auto id = detail::parse_number<std::uint64_t>(f[1]);
    auto version = detail::parse_number<std::uint64_t>(f[2]);
    if (!id || !version) return Errc::bad_origin;
    return Origin{std::string(f[0]), *id, *version, std::string(f[3]), std::string(f[4]),
                  std::string(f[5])};
}

Result<Connection> parse_connection(std::string_view value) {
    auto f = detail::split(value, ' ');
    if (f.size() != 3) return Errc::bad_connection;
    for (auto field : f) {
        if (!detail::is_non_ws_string(field)) return Errc::bad_connection;
    }
    Connection c;
    c.net_type = std::string(f[0]);
    c.addr_type = std::string(f[1]);
    auto parts = detail::split(f[2], '/');
    if (parts.size() > 3 || parts[0].empty()) return Errc::bad_connection;
    c.address = std::string(parts[0]);
    std::vector<unsigned> numbers;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        auto n = detail::parse_number<unsigned>(parts[i]);
        if (!n) return Errc::bad_connection;
        numbers.push_back(*n);
    }
    // RFC 8866 §5.7: IPv4 multicast is addr/ttl[/count]; IPv6 has no TTL, only addr/count.
    if (c.addr_type == "IP6") {
        if (numbers.size() > 1) return Errc::bad_connection;
        if (numbers.size() == 1) c.count = numbers[0];
    } else {
        if (!numbers.empty()) c.ttl = numbers[0];
        if (numbers.size() == 2) c.count = numbers[1];
    }
    return c;
}

Result<Bandwidth> parse_bandwidth(std::string_view value) {
    auto colon = value.find(':');
    if (colon == std::string_view::npos) return Errc::bad_bandwidth;
    auto type = value.substr(0, colon);
    auto number = detail::parse_number<std::uint64_t>(value.substr(colon + 1));
    if (!detail::is_token(type) || !number) return Errc::bad_bandwidth;
    return Bandwidth{std::string(type), *number};
}

Result<Timing> parse_timing(std::string_view value) {
    auto f = detail::split(value, ' ');
    if (f.size() != 2) return Errc::bad_timing;
    auto start = detail::parse_number<std::uint64_t>(f[0]);
    auto stop = detail::parse_number<std::uint64_t>(f[1]);
    if (!start || !stop) return Errc::bad_timing;
    return Timing{*start, *stop, {}, std::nullopt};
}

Result<Media> parse_media(std::string_view value) {
    // m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>)
    auto f = detail::split(value, ' ');
    if (f.size() < 4) return Errc::bad_media;
    Media m;
    if (!detail::is_token(f[0])) return Errc::bad_media;
    m.media = std::string(f[0]);
    auto slash = f[1].find('/');
    auto port = detail::parse_number<std::uint16_t>(f[1].substr(0, slash));
    if (!port) return Errc::bad_media;
    m.port = *port;
    if (slash != std::string_view::npos) {
        auto count = detail::parse_number<unsigned>(f[1].substr(slash + 1));
        if (!count || *count == 0) return Errc::bad_media;
        m.port_count = *count;
    }
    if (!detail::is_non_ws_string(f[2])) return Errc::bad_media;
    m.protocol = std::string(f[2]);
    // RFC 3551 / RFC 3711: for RTP profiles a format is a payload type number 0..127.
    const bool rtp = m.protocol.find("RTP/") != std::string::npos;
    for (std::size_t i = 3; i < f.size(); ++i) {
        if (!detail::is_non_ws_string(f[i])) return Errc::bad_media;
        if (rtp) {
            auto pt = detail::parse_number<unsigned>(f[i]);
            if (!pt || *pt > 127) return Errc::bad_media;
        }
        m.formats.emplace_back(f[i]);
    }
    return m;
}

// Parses `a=` into name and value and checks the attributes whose syntax we rely on.
Result<Attribute> parse_attribute(std::string_view value, bool media_level, std::string& why) {
    Attribute a;
    auto colon = value.find(':');
    auto name = value.substr(0, colon);
    if (!detail::is_token(name)) {
        why = "attribute name is empty or not a token";
        return Errc::bad_attribute;
    }
    a.name = std::string(name);
    if (colon != std::string_view::npos) a.value = std::string(value.substr(colon + 1));
    if (direction_from_name(a.name)) {
        if (a.value) {
            why = a.name + " takes no value";
            return Errc::bad_direction;
        }
        return a;
    }
    if (!media_level) return a;
    const std::string_view v = a.value ? std::string_view(*a.value) : std::string_view{};
    std::error_code ec;
    if (a.name == "rtpmap") {
        ec = Rtpmap::parse(v).error();
    } else if (a.name == "fmtp") {
        ec = Fmtp::parse(v).error();
    } else if (a.name == "ptime" || a.name == "maxptime") {
        ec = parse_ptime(v).error();
    } else if (a.name == "rtcp") {
        ec = Rtcp::parse(v).error();
    } else if (a.name == "crypto") {
        ec = Crypto::parse(v).error();
    } else if (a.name == "mid" && v.empty()) {
        ec = Errc::bad_mid;
    }
    if (ec) {
        why = a.name + ": " + ec.message();
        return ec;
    }
    return a;
}

Result<SessionDescription> Parser::run(std::string_view text) {
    if (text.size() > limits_.max_bytes) {
        (void)fail(Errc::too_large, "input exceeds max_bytes");
        return Errc::too_large;
    }
    std::size_t pos = 0;
    std::size_t first_blank = 0;  // line number of the first blank line, 0 if none
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        auto raw =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no_;
        type_ = 0;
        if (line_no_ > limits_.max_lines) {
            (void)fail(Errc::too_many_lines, "more than max_lines lines");
            return Errc::too_many_lines;
        }
        // Accept CRLF and bare LF line ends (RFC 8866 §5).
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (raw.empty()) {
            // Blank lines are tolerated only at the very end (a SIP body's trailing CRLF).
            if (first_blank == 0) first_blank = line_no_;
            continue;
        }
        if (first_blank != 0) {
            line_no_ = first_blank;
            (void)fail(Errc::bad_line, "empty line");
            return Errc::bad_line;
        }
        if (raw.find('\0') != std::string_view::npos || raw.find('\r') != std::string_view::npos) {
            auto r = fail(Errc::bad_character, "NUL or CR inside the line");
            return r.error();
        }
        if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z') {
            auto r = fail(Errc::bad_line, "expected <type>=<value>");
            return r.error();
        }
        type_ = raw[0];
        auto value = raw.substr(2);
        // No space after '=' (RFC 8866 §5), except the lone space of an empty s= name.
        if (!value.empty() && value.front() == ' ' && !(type_ == 's' && value == " ")) {
            auto r = fail(Errc::bad_line, "space after '='");
            return r.error();
        }
        if (auto r = line(type_, value); !r) return r.error();
    }
    if (line_no_ == 0 || (line_no_ > 0 && rank_ < 0)) {
        (void)fail(Errc::empty_input, "no lines");
        return Errc::empty_input;
    }
    if (auto r = finish(); !r) return r.error();
    return std::move(sd_);
}

Result<void> Parser::line(char type, std::string_view value) {
    if (rank_ < 0 && type != 'v') return fail(Errc::missing_version, "first line must be v=");
    if (session_rank(type) < 0) {
        return fail(Errc::unknown_line_type, std::string("unknown line type '") + type + "'");
    }
    if (type == 'm') {
        if (sd_.media.size() >= limits_.max_media) {
            return fail(Errc::too_many_media, "more than max_media media sections");
        }
        if (rank_ < 1) return fail(Errc::missing_origin, "m= before o=");
        if (rank_ < 2) return fail(Errc::missing_session_name, "m= before s=");
        if (rank_ < 9) return fail(Errc::missing_timing, "m= before any t=");
        auto m = parse_media(value);
        if (!m) return fail(Errc::bad_media, "m=<media> <port> <proto> <fmt>...");
        sd_.media.push_back(std::move(*m));
        media_lines_.push_back(line_no_);
        in_media_ = true;
        media_rank_ = 0;
        rank_ = 14;
        return {};
    }
    return in_media_ ? media_line(type, value) : session_line(type, value);
}

Result<void> Parser::session_line(char type, std::string_view value) {
    int rank = session_rank(type);
    const bool new_time = type == 't' && rank_ >= 9 && rank_ <= 11;
    if (!new_time) {
        if (rank < rank_) return fail(Errc::out_of_order, "line out of RFC 8866 §5 order");
        if (rank == rank_ && !session_repeatable(type)) {
            return fail(Errc::duplicate_line, "line may appear only once");
        }
    }
    // Required lines skipped over.
    if (rank > 1 && rank_ < 1) return fail(Errc::missing_origin, "o= must follow v=");
    if (rank > 2 && rank_ < 2) return fail(Errc::missing_session_name, "s= must follow o=");
    if (rank > 9 && rank_ < 9) return fail(Errc::missing_timing, "t= required before this line");
    rank_ = rank;
    switch (type) {
        case 'v':
            if (value != "0") return fail(Errc::bad_version, "only v=0 is defined");
            sd_.version = 0;
            sd_.timings.clear();  // filled by t= lines
            break;
        case 'o': {
            auto o = parse_origin(value);
            if (!o) return fail(Errc::bad_origin, "o=<user> <id> <version> <net> <addr> <host>");
            sd_.origin = std::move(*o);
            break;
        }
        case 's':
            sd_.session_name = std::string(value);
            break;
        case 'i':
            sd_.information = std::string(value);
            break;
        case 'u':
            sd_.uri = std::string(value);
            break;
        case 'e':
            sd_.emails.emplace_back(value);
            break;
        case 'p':
            sd_.phones.emplace_back(value);
            break;
        case 'c': {
            auto c = parse_connection(value);
            if (!c) return fail(Errc::bad_connection, "c=<net> <addrtype> <address>");
            sd_.connection = std::move(*c);
            break;
        }
        case 'b': {
            auto b = parse_bandwidth(value);
            if (!b) return fail(Errc::bad_bandwidth, "b=<type>:<number>");
            sd_.bandwidths.push_back(std::move(*b));
            break;
        }
        case 't': {
            auto t = parse_timing(value);
            if (!t) return fail(Errc::bad_timing, "t=<start> <stop>");
            sd_.timings.push_back(std::move(*t));
            break;
        }
        case 'r':
            if (value.empty()) return fail(Errc::bad_timing, "empty r=");
            sd_.timings.back().repeats.emplace_back(value);
            break;
        case 'z':
            if (value.empty()) return fail(Errc::bad_timing, "empty z=");
            sd_.timings.back().zone = std::string(value);
            break;
        case 'k':
            sd_.key = std::string(value);
            break;
        case 'a': {
            std::string why;
            auto a = parse_attribute(value, false, why);
            if (!a) return fail(static_cast<Errc>(a.error().value()), why);
            sd_.attributes.push_back(std::move(*a));
            break;
        }
        default:
            return fail(Errc::unknown_line_type, "unknown line type");
    }
    return {};
}

Result<void> Parser::media_line(char type, std::string_view value) {
    int rank = media_rank(type);
    if (rank < 0) return fail(Errc::out_of_order, "only i c b k a may follow m=");
    if (rank < media_rank_) return fail(Errc::out_of_order, "line out of RFC 8866 §5 order");
    if (rank == media_rank_ && !media_repeatable(type)) {
        return fail(Errc::duplicate_line, "line may appear only once per media section");
    }
    media_rank_ = rank;
    auto& m = sd_.media.back();
    switch (type) {
        case 'i':
            m.information = std::string(value);
            break;
        case 'c': {
            auto c = parse_connection(value);
            if (!c) return fail(Errc::bad_connection, "c=<net> <addrtype> <address>");
            m.connections.push_back(std::move(*c));
            break;
        }
        case 'b': {
            auto b = parse_bandwidth(value);
            if (!b) return fail(Errc::bad_bandwidth, "b=<type>:<number>");
            m.bandwidths.push_back(std::move(*b));
            break;
        }
        case 'k':
            m.key = std::string(value);
            break;
        case 'a': {
            std::string why;
            auto a = parse_attribute(value, true, why);
            if (!a) return fail(static_cast<Errc>(a.error().value()), why);
            m.attributes.push_back(std::move(*a));
            break;
        }
        default:
            break;
    }
    return {};
}

Result<void> Parser::finish() {
    type_ = 0;
    if (rank_ < 1) return fail(Errc::missing_origin, "no o= line");
    if (rank_ < 2) return fail(Errc::missing_session_name, "no s= line");
    if (sd_.timings.empty()) return fail(Errc::missing_timing, "no t= line");
    // RFC 8866 §5.7: c= at session level or in every media description.
    if (!sd_.connection) {
        for (std::size_t i = 0; i < sd_.media.size(); ++i) {
            if (sd_.media[i].connections.empty()) {
                line_no_ = media_lines_[i];
                type_ = 'm';
                return fail(Errc::missing_connection, "no c= for this media section");
            }
        }
    }
    return {};
}

}  // namespace

Result<SessionDescription> SessionDescription::parse(std::string_view text,
                                                     const ParseLimits& limits, ParseError* error) {
    Parser parser(limits, error);
    return parser.run(text);
}

}  // namespace voip::sdp
