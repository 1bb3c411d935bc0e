// The SessionDescription and Media model: typed attribute views and the writer. The reader is
// in parser.cpp.
#include <voip/sdp/session_description.hpp>

#include <algorithm>

#include "sdp/text.hpp"

namespace voip::sdp {

std::string Connection::to_string() const {
    std::string out = net_type + " " + addr_type + " " + address;
    if (ttl) out.append(1, '/').append(std::to_string(*ttl));
    if (count) out.append(1, '/').append(std::to_string(*count));
    return out;
}

const Attribute* Media::find_attribute(std::string_view name) const {
    for (const auto& a : attributes) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

void Media::add_attribute(std::string name, std::optional<std::string> value) {
    attributes.push_back(Attribute{std::move(name), std::move(value)});
}

std::size_t Media::remove_attributes(std::string_view name) {
    return std::erase_if(attributes, [&](const Attribute& a) { return a.name == name; });
}

std::optional<PayloadFormat> Media::payload_format(unsigned pt) const {
    const std::string pt_text = std::to_string(pt);
    if (std::find(formats.begin(), formats.end(), pt_text) == formats.end()) return std::nullopt;
    std::optional<PayloadFormat> format;
    std::string fmtp;
    for (const auto& a : attributes) {
        if (!a.value) continue;
        if (a.name == "rtpmap" && !format) {
            auto map = Rtpmap::parse(*a.value);
            if (map && map->payload_type == pt) {
                format = PayloadFormat{map->payload_type,
                                       map->encoding,
                                       map->clock_rate,
                                       map->channels.value_or(1),
                                       {}};
            }
        } else if (a.name == "fmtp" && fmtp.empty()) {
            auto f = Fmtp::parse(*a.value);
            if (f && f->format == pt_text) fmtp = f->parameters;
        }
    }
    // RFC 3551 §6: static payload types need no rtpmap.
    if (!format) format = static_payload_format(pt);
    if (format) format->fmtp = std::move(fmtp);
    return format;
}

std::vector<PayloadFormat> Media::payload_formats() const {
    std::vector<PayloadFormat> out;
    for (const auto& f : formats) {
        auto pt = detail::parse_number<unsigned>(f);
        if (!pt || *pt > 127) continue;
        if (auto format = payload_format(*pt)) out.push_back(std::move(*format));
    }
    return out;
}

std::optional<Direction> Media::direction() const {
    for (const auto& a : attributes) {
        if (auto d = direction_from_name(a.name)) return d;
    }
    return std::nullopt;
}

void Media::set_direction(Direction d) {
    std::erase_if(attributes,
                  [](const Attribute& a) { return direction_from_name(a.name).has_value(); });
    add_attribute(std::string(to_string(d)));
}

namespace {
std::optional<unsigned> ptime_attribute(const Media& m, std::string_view name) {
    const auto* a = m.find_attribute(name);
    if (a == nullptr || !a->value) return std::nullopt;
    auto ms = parse_ptime(*a->value);
    if (!ms) return std::nullopt;
    return *ms;
}
}  // namespace

std::optional<unsigned> Media::ptime() const {
    return ptime_attribute(*this, "ptime");
}
std::optional<unsigned> Media::maxptime() const {
    return ptime_attribute(*this, "maxptime");
}

std::optional<Rtcp> Media::rtcp() const {
    const auto* a = find_attribute("rtcp");
    if (a == nullptr || !a->value) return std::nullopt;
    auto r = Rtcp::parse(*a->value);
    if (!r) return std::nullopt;
    return *r;
}

std::vector<Crypto> Media::cryptos() const {
    std::vector<Crypto> out;
    for (const auto& a : attributes) {
        if (a.name != "crypto" || !a.value) continue;
        if (auto c = Crypto::parse(*a.value)) out.push_back(std::move(*c));
    }
    return out;
}

std::optional<std::string> Media::mid() const {
    const auto* a = find_attribute("mid");
    if (a == nullptr || !a->value || a->value->empty()) return std::nullopt;
    return *a->value;
}

bool Media::is_secure_rtp() const noexcept {
    return protocol == "RTP/SAVP" || protocol == "RTP/SAVPF";
}

const Connection* SessionDescription::connection_for(const Media& m) const {
    if (!m.connections.empty()) return &m.connections.front();
    return connection ? &*connection : nullptr;
}

Direction SessionDescription::direction_of(const Media& m) const {
    if (auto d = m.direction()) return *d;
    for (const auto& a : attributes) {
        if (auto d = direction_from_name(a.name)) return *d;
    }
    return Direction::sendrecv;  // RFC 3264 §5.1: the default
}

const Attribute* SessionDescription::find_attribute(std::string_view name) const {
    for (const auto& a : attributes) {
        if (a.name == name) return &a;
    }
    return nullptr;
}

namespace {

void line(std::string& out, char type, std::string_view value) {
    out.push_back(type);
    out.push_back('=');
    out.append(value);
    out.append("\r\n");
}

void bandwidth_lines(std::string& out, const std::vector<Bandwidth>& bandwidths) {
    for (const auto& b : bandwidths)
        line(out, 'b', b.type + ":" + std::to_string(b.value));
}

void attribute_lines(std::string& out, const std::vector<Attribute>& attributes) {
    for (const auto& a : attributes)
        line(out, 'a', a.to_string());
}

}  // namespace

std::string SessionDescription::to_string() const {
    std::string out;
    out.reserve(512);
    // RFC 8866 §5: v o s i u e p c b (t r z)+ k a, then m i c b k a per media.
    line(out, 'v', std::to_string(version));
    line(out, 'o',
         origin.username + " " + std::to_string(origin.session_id) + " " +
             std::to_string(origin.session_version) + " " + origin.net_type + " " +
             origin.addr_type + " " + origin.address);
    line(out, 's', session_name);
    if (information) line(out, 'i', *information);
    if (uri) line(out, 'u', *uri);
    for (const auto& e : emails)
        line(out, 'e', e);
    for (const auto& p : phones)
        line(out, 'p', p);
    if (connection) line(out, 'c', connection->to_string());
    bandwidth_lines(out, bandwidths);
    for (const auto& t : timings) {
        line(out, 't', std::to_string(t.start) + " " + std::to_string(t.stop));
        for (const auto& r : t.repeats)
            line(out, 'r', r);
        if (t.zone) line(out, 'z', *t.zone);
    }
    if (key) line(out, 'k', *key);
    attribute_lines(out, attributes);
    for (const auto& m : media) {
        std::string mline = m.media + " " + std::to_string(m.port);
        if (m.port_count) mline.append(1, '/').append(std::to_string(*m.port_count));
        mline.append(1, ' ').append(m.protocol);
        for (const auto& f : m.formats)
            mline.append(1, ' ').append(f);
        line(out, 'm', mline);
        if (m.information) line(out, 'i', *m.information);
        for (const auto& c : m.connections)
            line(out, 'c', c.to_string());
        bandwidth_lines(out, m.bandwidths);
        if (m.key) line(out, 'k', *m.key);
        attribute_lines(out, m.attributes);
    }
    return out;
}

}  // namespace voip::sdp
