#include <voip/sdp/attributes.hpp>
#include <voip/sdp/error.hpp>
#include <voip/sdp/payload_format.hpp>

#include <array>

#include "sdp/text.hpp"

namespace voip::sdp {

std::string Attribute::to_string() const {
    if (!value) return name;
    std::string out;
    out.reserve(name.size() + 1 + value->size());
    out.append(name).append(1, ':').append(*value);
    return out;
}

std::string_view to_string(Direction d) noexcept {
    switch (d) {
        case Direction::sendrecv:
            return "sendrecv";
        case Direction::sendonly:
            return "sendonly";
        case Direction::recvonly:
            return "recvonly";
        case Direction::inactive:
            return "inactive";
    }
    return "sendrecv";
}

std::optional<Direction> direction_from_name(std::string_view name) noexcept {
    constexpr std::array all{Direction::sendrecv, Direction::sendonly, Direction::recvonly,
                             Direction::inactive};
    for (auto d : all) {
        if (name == to_string(d)) return d;
    }
    return std::nullopt;
}

bool sends(Direction d) noexcept {
    return d == Direction::sendrecv || d == Direction::sendonly;
}
bool receives(Direction d) noexcept {
    return d == Direction::sendrecv || d == Direction::recvonly;
}

namespace {
Direction from_flags(bool send, bool receive) noexcept {
    if (send && receive) return Direction::sendrecv;
    if (send) return Direction::sendonly;
    if (receive) return Direction::recvonly;
    return Direction::inactive;
}
}  // namespace

// RFC 3264 §6.1: an offered sendonly is answered recvonly and vice versa; sendrecv and inactive
// stay as they are.
Direction mirror(Direction d) noexcept {
    return from_flags(receives(d), sends(d));
}

Direction intersect(Direction a, Direction b) noexcept {
    return from_flags(sends(a) && sends(b), receives(a) && receives(b));
}

Result<Rtpmap> Rtpmap::parse(std::string_view value) {
    // <payload type> SP <encoding name>/<clock rate>[/<encoding parameters>]
    auto space = value.find(' ');
    if (space == std::string_view::npos) return Errc::bad_rtpmap;
    auto pt = detail::parse_number<unsigned>(value.substr(0, space));
    if (!pt || *pt > 127) return Errc::bad_rtpmap;
    auto parts = detail::split(value.substr(space + 1), '/');
    if (parts.size() < 2 || parts.size() > 3) return Errc::bad_rtpmap;
    if (!detail::is_token(parts[0])) return Errc::bad_rtpmap;
    auto rate = detail::parse_number<std::uint32_t>(parts[1]);
    if (!rate || *rate == 0) return Errc::bad_rtpmap;
    Rtpmap map;
    map.payload_type = static_cast<std::uint8_t>(*pt);
    map.encoding = std::string(parts[0]);
    map.clock_rate = *rate;
    if (parts.size() == 3) {
        auto channels = detail::parse_number<unsigned>(parts[2]);
        if (!channels || *channels == 0 || *channels > 255) return Errc::bad_rtpmap;
        map.channels = *channels;
    }
    return map;
}

std::string Rtpmap::to_string() const {
    std::string out = std::to_string(payload_type);
    out.append(1, ' ').append(encoding).append(1, '/').append(std::to_string(clock_rate));
    if (channels) out.append(1, '/').append(std::to_string(*channels));
    return out;
}

Result<Fmtp> Fmtp::parse(std::string_view value) {
    // <format> SP <format specific parameters>; RFC 8866 §6.15 requires the parameters, but
    // an empty list after the space is tolerated (seen in the wild).
    auto space = value.find(' ');
    if (space == std::string_view::npos || space == 0) return Errc::bad_fmtp;
    auto format = value.substr(0, space);
    if (!detail::is_token(format)) return Errc::bad_fmtp;
    return Fmtp{std::string(format), std::string(value.substr(space + 1))};
}

std::string Fmtp::to_string() const {
    return format + " " + parameters;
}

std::optional<std::string> Fmtp::parameter(std::string_view parameters, std::string_view name) {
    for (auto item : detail::split(parameters, ';')) {
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        auto eq = item.find('=');
        auto key = item.substr(0, eq);
        if (!iequals(key, name)) continue;
        if (eq == std::string_view::npos) return std::string{};
        return std::string(item.substr(eq + 1));
    }
    return std::nullopt;
}

Result<Rtcp> Rtcp::parse(std::string_view value) {
    // RFC 3605 §2.1: rtcp-attribute = "a=rtcp:" port [nettype space addrtype space address]
    auto fields = detail::split(value, ' ');
    if (fields.size() != 1 && fields.size() != 4) return Errc::bad_rtcp;
    auto port = detail::parse_number<std::uint16_t>(fields[0]);
    if (!port) return Errc::bad_rtcp;
    Rtcp rtcp;
    rtcp.port = *port;
    if (fields.size() == 4) {
        for (std::size_t i = 1; i < 4; ++i) {
            if (!detail::is_non_ws_string(fields[i])) return Errc::bad_rtcp;
        }
        rtcp.net_type = std::string(fields[1]);
        rtcp.addr_type = std::string(fields[2]);
        rtcp.address = std::string(fields[3]);
    }
    return rtcp;
}

std::string Rtcp::to_string() const {
    std::string out = std::to_string(port);
    if (!address.empty()) {
        out.append(1, ' ').append(net_type).append(1, ' ').append(addr_type).append(1, ' ');
        out.append(address);
    }
    return out;
}

Result<unsigned> parse_ptime(std::string_view value) {
    auto dot = value.find('.');
    auto whole = value.substr(0, dot);
    auto ms = detail::parse_number<unsigned>(whole);
    if (!ms || *ms > 100000) return Errc::bad_ptime;
    if (dot != std::string_view::npos) {
        auto fraction = value.substr(dot + 1);
        if (fraction.empty() || !detail::parse_number<std::uint64_t>(fraction)) {
            return Errc::bad_ptime;
        }
    }
    return *ms;
}

}  // namespace voip::sdp
