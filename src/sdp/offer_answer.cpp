// RFC 3264 offer/answer for one audio stream.
#include <voip/sdp/offer_answer.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <set>

namespace voip::sdp {
namespace {

constexpr std::string_view telephone_event_name = "telephone-event";

bool is_telephone_event(std::string_view name) noexcept {
    return iequals(name, telephone_event_name);
}

// Formats that ride along with a codec and are never chosen as "the" codec.
bool is_auxiliary(std::string_view name) noexcept {
    return is_telephone_event(name) || iequals(name, "CN");
}

// "IP4" or "IP6" for an address literal, or nothing if it is neither.
std::optional<std::string> address_type(const std::string& address) {
    std::array<unsigned char, 16> buffer{};
    if (inet_pton(AF_INET, address.c_str(), buffer.data()) == 1) return "IP4";
    if (inet_pton(AF_INET6, address.c_str(), buffer.data()) == 1) return "IP6";
    return std::nullopt;
}

bool has_main_codec(const std::vector<CodecSpec>& codecs) {
    return std::any_of(codecs.begin(), codecs.end(),
                       [](const CodecSpec& c) { return !is_auxiliary(c.name); });
}

// RFC 4867 §8.3.1: AMR and AMR-WB streams agree only if octet-align matches (default 0).
bool fmtp_compatible(std::string_view name, std::string_view a, std::string_view b) {
    if (!iequals(name, "AMR") && !iequals(name, "AMR-WB")) return true;
    auto octet_align = [](std::string_view params) {
        return Fmtp::parameter(params, "octet-align").value_or("0") == "1";
    };
    return octet_align(a) == octet_align(b);
}

bool same_codec(const CodecSpec& local, const PayloadFormat& remote) {
    return iequals(local.name, remote.name) && local.clock_rate == remote.clock_rate &&
           local.channels == remote.channels &&
           fmtp_compatible(local.name, local.fmtp, remote.fmtp);
}

bool same_format(const PayloadFormat& a, const PayloadFormat& b) {
    return iequals(a.name, b.name) && a.clock_rate == b.clock_rate && a.channels == b.channels &&
           fmtp_compatible(a.name, a.fmtp, b.fmtp);
}

Result<void> check_local(const LocalMedia& local) {
    if (!has_main_codec(local.codecs) || !address_type(local.address)) {
        return Errc::invalid_local_media;
    }
    for (const auto& c : local.codecs) {
        if (c.name.empty() || c.clock_rate == 0 || c.channels == 0) {
            return Errc::invalid_local_media;
        }
        if (c.payload_type && *c.payload_type > 127) return Errc::invalid_local_media;
    }
    for (const auto& c : local.crypto) {
        if (!c.usable()) return Errc::invalid_local_media;
    }
    return {};
}

void add_rtpmap(Media& m, const PayloadFormat& f) {
    Rtpmap map{f.payload_type, f.name, f.clock_rate, std::nullopt};
    if (f.channels != 1) map.channels = f.channels;
    m.formats.push_back(std::to_string(f.payload_type));
    m.add_attribute("rtpmap", map.to_string());
    if (!f.fmtp.empty())
        m.add_attribute("fmtp", Fmtp{std::to_string(f.payload_type), f.fmtp}.to_string());
}

SessionDescription make_session(const SessionOptions& session, const std::string& address) {
    SessionDescription sd;
    const std::string type = address_type(address).value_or("IP4");
    sd.origin = Origin{session.username.empty() ? "-" : session.username,
                       session.session_id,
                       session.session_version,
                       "IN",
                       type,
                       address};
    sd.session_name = session.session_name.empty() ? "-" : session.session_name;
    sd.connection = Connection{"IN", type, address, std::nullopt, std::nullopt};
    sd.timings = {Timing{}};
    return sd;
}

// Payload type numbers for our codecs: the preferred one, else one used before for the same
// codec (RFC 3264 §8.3.2: keep PTs stable across re-offers), else the static one, else 96+.
Result<std::vector<PayloadFormat>> assign_payload_types(const std::vector<CodecSpec>& codecs,
                                                        const Media* previous) {
    std::vector<PayloadFormat> out;
    std::set<unsigned> used;
    std::vector<std::optional<unsigned>> chosen(codecs.size());
    for (std::size_t i = 0; i < codecs.size(); ++i) {
        if (!codecs[i].payload_type) continue;
        if (!used.insert(*codecs[i].payload_type).second) return Errc::invalid_local_media;
        chosen[i] = *codecs[i].payload_type;
    }
    auto previous_formats = previous ? previous->payload_formats() : std::vector<PayloadFormat>{};
    for (std::size_t i = 0; i < codecs.size(); ++i) {
        if (chosen[i]) continue;
        const auto& c = codecs[i];
        for (const auto& f : previous_formats) {
            if (same_codec(c, f) && !used.contains(f.payload_type)) {
                chosen[i] = f.payload_type;
                break;
            }
        }
        if (!chosen[i]) {
            auto pt = static_payload_type(c.name, c.clock_rate, c.channels);
            if (pt && !used.contains(*pt)) chosen[i] = *pt;
        }
        if (chosen[i]) used.insert(*chosen[i]);
    }
    unsigned next = 96;  // RFC 3551 §3: the dynamic range is 96..127
    for (std::size_t i = 0; i < codecs.size(); ++i) {
        if (chosen[i]) continue;
        while (next <= 127 && used.contains(next))
            ++next;
        if (next > 127) return Errc::invalid_local_media;
        chosen[i] = next;
        used.insert(next);
    }
    for (std::size_t i = 0; i < codecs.size(); ++i) {
        const auto& c = codecs[i];
        out.push_back(PayloadFormat{static_cast<std::uint8_t>(*chosen[i]), c.name, c.clock_rate,
                                    c.channels, c.fmtp});
    }
    return out;
}

Result<Media> offer_media(const LocalMedia& local, const Media* previous) {
    Media m;
    m.media = "audio";
    m.port = local.port;
    bool with_crypto = local.crypto_policy != CryptoPolicy::off;
    m.protocol = with_crypto ? "RTP/SAVP" : "RTP/AVP";
    if (previous != nullptr && previous->port != 0) {
        // A re-offer keeps the stream's transport, and SDES if it had it (also best-effort SDES
        // inside RTP/AVP): switching RTP/AVP <-> RTP/SAVP mid-call is not something peers
        // follow reliably.
        m.protocol = previous->protocol;
        with_crypto = previous->is_secure_rtp() || previous->has_attribute("crypto");
    }
    if (with_crypto && local.crypto.empty()) return Errc::invalid_local_media;
    auto formats = assign_payload_types(local.codecs, previous);
    if (!formats) return formats.error();
    for (const auto& f : *formats)
        add_rtpmap(m, f);
    if (local.ptime) m.add_attribute("ptime", std::to_string(*local.ptime));
    if (local.rtcp_mux) m.add_attribute("rtcp-mux");
    if (with_crypto) {
        for (const auto& c : local.crypto)
            m.add_attribute("crypto", c.to_string());
    }
    if (previous) {
        if (auto mid = previous->mid()) m.add_attribute("mid", *mid);
    }
    m.set_direction(local.direction);
    return m;
}

// The direction the peer's section says, with RFC 3264 §8.4's legacy hold: a null c= address
// means the peer does not want to receive.
Direction peer_direction(const SessionDescription& sd, const Media& m) {
    auto d = sd.direction_of(m);
    const auto* c = sd.connection_for(m);
    if (c != nullptr && c->is_null()) d = intersect(d, Direction::sendonly);
    return d;
}

void fill_rtcp(Negotiated& n, const Media& remote, bool mux) {
    n.rtcp_mux = mux;
    n.remote_rtcp_address = n.remote_address;
    if (mux) {
        n.remote_rtcp_port = n.remote_port;
    } else if (auto rtcp = remote.rtcp()) {
        // RFC 3605 §2.1: an explicit RTCP port (and maybe address).
        n.remote_rtcp_port = rtcp->port;
        if (!rtcp->address.empty()) n.remote_rtcp_address = rtcp->address;
    } else {
        // RFC 3550 §11: RTCP on the next higher (odd) port.
        n.remote_rtcp_port = static_cast<std::uint16_t>(n.remote_port + 1U);
    }
}

Media rejected(const Media& offered) {
    // RFC 3264 §6: a rejected stream keeps its m= with port 0 and the offered formats.
    Media m;
    m.media = offered.media;
    m.port = 0;
    m.protocol = offered.protocol;
    m.formats = offered.formats;
    if (m.formats.empty()) m.formats.emplace_back("0");
    return m;
}

bool single_key_without_mki(const Crypto& c) {
    return c.keys.size() == 1 && !c.keys.front().mki;
}

}  // namespace

Result<SessionDescription> create_offer(const LocalMedia& local, const SessionOptions& session) {
    if (auto r = check_local(local); !r) return r.error();
    if (local.crypto_policy != CryptoPolicy::off && local.crypto.empty()) {
        return Errc::invalid_local_media;
    }
    auto sd = make_session(session, local.address);
    auto m = offer_media(local, nullptr);
    if (!m) return m.error();
    sd.media.push_back(std::move(*m));
    return sd;
}

Result<SessionDescription> create_reoffer(const SessionDescription& previous,
                                          const LocalMedia& local) {
    if (auto r = check_local(local); !r) return r.error();
    // RFC 3264 §8: same o= username and session id, version one higher.
    SessionOptions session{previous.origin.username, previous.origin.session_id,
                           previous.origin.session_version + 1, previous.session_name};
    auto sd = make_session(session, local.address);
    // RFC 3264 §8: keep every earlier m= section in place; the audio one is replaced, the
    // others stay rejected (port 0).
    std::optional<std::size_t> audio;
    for (std::size_t i = 0; i < previous.media.size(); ++i) {
        if (previous.media[i].media == "audio" && previous.media[i].port != 0) {
            audio = i;
            break;
        }
    }
    for (std::size_t i = 0; i < previous.media.size(); ++i) {
        if (audio && i == *audio) {
            auto m = offer_media(local, &previous.media[i]);
            if (!m) return m.error();
            sd.media.push_back(std::move(*m));
        } else {
            sd.media.push_back(rejected(previous.media[i]));
        }
    }
    if (!audio) {
        auto m = offer_media(local, nullptr);
        if (!m) return m.error();
        sd.media.push_back(std::move(*m));
    }
    return sd;
}

Result<Answer> create_answer(const SessionDescription& offer, const LocalMedia& local,
                             const SessionOptions& session, const AnswerOptions& options) {
    if (auto r = check_local(local); !r) return r.error();
    Answer answer{make_session(session, local.address), {}};
    std::error_code reason = Errc::no_audio_media;
    bool accepted = false;

    for (std::size_t index = 0; index < offer.media.size(); ++index) {
        const Media& om = offer.media[index];
        auto refuse = [&](std::error_code why) {
            if (why) reason = why;
            answer.description.media.push_back(rejected(om));
        };
        if (accepted || om.media != "audio" || om.port == 0) {
            refuse({});
            continue;
        }
        const bool avp = om.protocol == "RTP/AVP" || om.protocol == "RTP/AVPF";
        if (!avp && !om.is_secure_rtp()) {
            refuse(Errc::unsupported_transport);
            continue;
        }
        const Connection* conn = offer.connection_for(om);
        if (conn == nullptr) {
            refuse(Errc::answer_mismatch);
            continue;
        }

        // RFC 4568 §7.1.2 (SDES): take the first offered line whose suite we have a key for.
        std::optional<Negotiated::Srtp> srtp;
        if (om.is_secure_rtp() || local.crypto_policy != CryptoPolicy::off) {
            for (const auto& offered : om.cryptos()) {
                if (!offered.usable()) continue;
                if (!options.accept_mki && !single_key_without_mki(offered)) continue;
                auto mine = std::find_if(local.crypto.begin(), local.crypto.end(),
                                         [&](const Crypto& c) { return c.suite == offered.suite; });
                if (mine == local.crypto.end()) continue;
                Crypto ours = *mine;
                ours.tag = offered.tag;
                srtp = Negotiated::Srtp{offered.suite, std::move(ours), offered};
                break;
            }
        }
        if (om.is_secure_rtp() && !srtp) {
            refuse(Errc::no_usable_crypto);
            continue;
        }
        if (!srtp && local.crypto_policy == CryptoPolicy::required) {
            refuse(Errc::secure_media_required);
            continue;
        }

        // Codec choice: the answerer's preference order unless told otherwise.
        const auto offered = om.payload_formats();
        const CodecSpec* local_codec = nullptr;
        const PayloadFormat* chosen = nullptr;
        if (options.prefer_local_order) {
            for (const auto& c : local.codecs) {
                if (is_auxiliary(c.name)) continue;
                auto it = std::find_if(offered.begin(), offered.end(),
                                       [&](const PayloadFormat& f) { return same_codec(c, f); });
                if (it != offered.end()) {
                    local_codec = &c;
                    chosen = &*it;
                    break;
                }
            }
        } else {
            for (const auto& f : offered) {
                if (is_auxiliary(f.name)) continue;
                auto it = std::find_if(local.codecs.begin(), local.codecs.end(),
                                       [&](const CodecSpec& c) { return same_codec(c, f); });
                if (it != local.codecs.end()) {
                    local_codec = &*it;
                    chosen = &f;
                    break;
                }
            }
        }
        if (chosen == nullptr) {
            refuse(Errc::no_common_codec);
            continue;
        }

        // RFC 4733 §2.1 / §7.1.1: DTMF events at the codec's clock rate, if both sides have it.
        const PayloadFormat* event = nullptr;
        const CodecSpec* local_event = nullptr;
        for (const auto& c : local.codecs) {
            if (is_telephone_event(c.name) && c.clock_rate == chosen->clock_rate) {
                local_event = &c;
                break;
            }
        }
        if (local_event != nullptr) {
            for (const auto& f : offered) {
                if (is_telephone_event(f.name) && f.clock_rate == chosen->clock_rate) {
                    event = &f;
                    break;
                }
            }
        }

        // The answer's section: the offerer's PT numbers (RFC 3264 §6.1), our fmtp if we have
        // one, else the offer's (which keeps e.g. AMR octet-align in agreement).
        Media am;
        am.media = om.media;
        am.port = local.port;
        am.protocol = om.protocol;
        PayloadFormat codec_out = *chosen;
        if (!local_codec->fmtp.empty()) codec_out.fmtp = local_codec->fmtp;
        add_rtpmap(am, codec_out);
        if (event != nullptr) {
            PayloadFormat event_out = *event;
            if (!local_event->fmtp.empty()) event_out.fmtp = local_event->fmtp;
            add_rtpmap(am, event_out);
        }
        if (local.ptime) am.add_attribute("ptime", std::to_string(*local.ptime));
        const bool mux = om.rtcp_mux() && local.rtcp_mux;
        if (mux) am.add_attribute("rtcp-mux");  // RFC 5761 §5.1.1
        if (srtp) am.add_attribute("crypto", srtp->local.to_string());
        if (auto mid = om.mid()) am.add_attribute("mid", *mid);  // RFC 5888 §9.1
        // RFC 3264 §6.1: mirror the offered direction, limited by what we want.
        const Direction direction = intersect(mirror(peer_direction(offer, om)), local.direction);
        am.set_direction(direction);
        answer.description.media.push_back(std::move(am));

        Negotiated& n = answer.negotiated;
        n.media_index = index;
        n.codec = *chosen;  // we send with the offerer's PT and its fmtp
        n.receive_payload_type = chosen->payload_type;
        if (event != nullptr) n.telephone_event = *event;
        n.remote_address = conn->address;
        n.remote_port = om.port;
        fill_rtcp(n, om, mux);
        n.direction = direction;
        n.remote_ptime = om.ptime();
        n.local_ptime = local.ptime;
        n.srtp = std::move(srtp);
        accepted = true;
    }
    if (!accepted) return reason;
    return answer;
}

Result<Negotiated> apply_answer(const SessionDescription& offer, const SessionDescription& answer) {
    // RFC 3264 §6: the answer has exactly the offer's m= lines, in order, same media and proto.
    if (answer.media.size() != offer.media.size()) return Errc::answer_mismatch;
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        if (offer.media[i].media != answer.media[i].media ||
            offer.media[i].protocol != answer.media[i].protocol) {
            return Errc::answer_mismatch;
        }
    }
    std::optional<std::size_t> index;
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        if (offer.media[i].media == "audio" && offer.media[i].port != 0) {
            index = i;
            break;
        }
    }
    if (!index) return Errc::no_audio_media;
    const Media& om = offer.media[*index];
    const Media& am = answer.media[*index];
    if (am.port == 0) return Errc::answer_rejected;
    const Connection* conn = answer.connection_for(am);
    if (conn == nullptr) return Errc::answer_mismatch;

    const auto ours = om.payload_formats();
    const auto theirs = am.payload_formats();
    Negotiated n;
    n.media_index = *index;
    bool found = false;
    for (const auto& f : theirs) {
        if (is_auxiliary(f.name)) continue;
        auto it = std::find_if(ours.begin(), ours.end(),
                               [&](const PayloadFormat& o) { return same_format(o, f); });
        if (it == ours.end()) continue;
        n.codec = f;  // RFC 3264 §6.1: we send with the PT the answerer receives on
        n.receive_payload_type = it->payload_type;
        found = true;
        break;
    }
    if (!found) return Errc::no_common_codec;
    for (const auto& f : theirs) {
        if (!is_telephone_event(f.name) || f.clock_rate != n.codec.clock_rate) continue;
        auto it = std::find_if(ours.begin(), ours.end(), [&](const PayloadFormat& o) {
            return is_telephone_event(o.name) && o.clock_rate == f.clock_rate;
        });
        if (it != ours.end()) {
            n.telephone_event = f;
            break;
        }
    }

    // SDES: the answer names one of our tags (RFC 4568 §7.1.3).
    const auto our_crypto = om.cryptos();
    const auto their_crypto = am.cryptos();
    if (!their_crypto.empty()) {
        const Crypto& remote = their_crypto.front();
        auto mine = std::find_if(our_crypto.begin(), our_crypto.end(),
                                 [&](const Crypto& c) { return c.tag == remote.tag; });
        if (mine == our_crypto.end() || mine->suite != remote.suite) {
            return Errc::answer_mismatch;
        }
        if (!remote.usable()) return Errc::no_usable_crypto;
        n.srtp = Negotiated::Srtp{remote.suite, *mine, remote};
    } else if (om.is_secure_rtp()) {
        return Errc::no_usable_crypto;
    }

    n.remote_address = conn->address;
    n.remote_port = am.port;
    fill_rtcp(n, am, om.rtcp_mux() && am.rtcp_mux());
    // What we may do: our offer, limited by the mirror of what the answerer said.
    n.direction = intersect(offer.direction_of(om), mirror(peer_direction(answer, am)));
    n.remote_ptime = am.ptime();
    n.local_ptime = om.ptime();
    return n;
}

bool is_not_acceptable(std::error_code error) noexcept {
    if (error.category() != error_category()) return false;
    switch (static_cast<Errc>(error.value())) {
        case Errc::no_audio_media:
        case Errc::no_common_codec:
        case Errc::secure_media_required:
        case Errc::no_usable_crypto:
        case Errc::unsupported_transport:
            return true;
        default:
            return false;
    }
}

Result<SessionDescription> fallback_offer(const SessionDescription& refused, CryptoPolicy policy) {
    // Issue 7 policy: only `preferred` may drop to plain RTP; `required` makes the 488 fatal.
    if (policy == CryptoPolicy::required) return Errc::srtp_required;
    const bool secure = std::any_of(refused.media.begin(), refused.media.end(),
                                    [](const Media& m) { return m.is_secure_rtp(); });
    if (policy == CryptoPolicy::off || !secure) return Errc::no_fallback;
    // RFC 3264 §8: same o= username and session id, version one higher. Codecs, payload types,
    // ports and directions stay as they were: only the transport changes.
    SessionDescription sd = refused;
    sd.origin.session_version += 1;
    for (auto& m : sd.media) {
        if (!m.is_secure_rtp()) continue;
        // RTP/SAVP -> RTP/AVP, RTP/SAVPF -> RTP/AVPF (RFC 5124); SDES keys go with SRTP
        // (RFC 4568 §5: a=crypto belongs to the secure transports).
        m.protocol = m.protocol == "RTP/SAVPF" ? "RTP/AVPF" : "RTP/AVP";
        m.remove_attributes("crypto");
    }
    return sd;
}

Result<void> use_public_address(LocalMedia& local, std::string_view address, std::uint16_t port) {
    std::string literal(address);
    if (port == 0 || !address_type(literal)) return Errc::invalid_local_media;
    local.address = std::move(literal);
    local.port = port;
    return {};
}

}  // namespace voip::sdp
