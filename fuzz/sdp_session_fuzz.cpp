// libFuzzer target: SessionDescription::parse on arbitrary bytes, plus the invariants that are
// cheap to check on what it accepts:
//   - what we write, we read back to the same value, and writing that again gives the same text;
//   - typed attribute views never fail on accepted input, and their own writers round-trip;
//   - offer/answer over the input (as an offer, and as an answer to itself) never crashes and
//     any answer it produces is itself a valid description.
#include <voip/sdp/offer_answer.hpp>
#include <voip/sdp/session_description.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace voip::sdp;

void check(bool ok) {
    if (!ok) std::abort();
}

LocalMedia make_local(bool secure) {
    LocalMedia local;
    local.address = secure ? "2001:db8::1" : "192.0.2.1";
    local.port = 4000;
    local.codecs = {CodecSpec{"opus", 48000, 2, "useinbandfec=1", std::nullopt},
                    CodecSpec{"PCMU", 8000, 1, {}, std::nullopt},
                    CodecSpec{"AMR-WB", 16000, 1, "octet-align=1", std::nullopt},
                    CodecSpec{"telephone-event", 8000, 1, "0-16", std::nullopt},
                    CodecSpec{"telephone-event", 48000, 1, "0-16", std::nullopt}};
    local.rtcp_mux = secure;
    if (secure) {
        local.crypto_policy = CryptoPolicy::preferred;
        // A fixed key: the fuzzer must be deterministic.
        local.crypto = {
            Crypto::parse(
                "1 AES_CM_128_HMAC_SHA1_80 inline:AAsWISw3Qk1YY255hI+apbC7xtHc5/L9CBMeKTQ/")
                .value()};
    }
    return local;
}

void check_media(const Media& m) {
    for (const auto& f : m.payload_formats())
        check(f.clock_rate != 0 && f.channels != 0);
    for (const auto& c : m.cryptos()) {
        (void)c.usable();
        auto again = Crypto::parse(c.to_string());
        check(again.has_value() && *again == c);
    }
    for (const auto& a : m.attributes) {
        if (a.name == "rtpmap" && a.value) {
            auto r = Rtpmap::parse(*a.value);
            check(r.has_value());
            auto again = Rtpmap::parse(r->to_string());
            check(again.has_value() && *again == *r);
        }
    }
    if (auto r = m.rtcp()) {
        auto again = Rtcp::parse(r->to_string());
        check(again.has_value() && *again == *r);
    }
    (void)m.ptime();
    (void)m.maxptime();
    (void)m.mid();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ParseLimits limits;
    limits.max_bytes = 16 * 1024;
    limits.max_lines = 256;
    limits.max_media = 8;
    ParseError error;
    auto sd = SessionDescription::parse(text, limits, &error);
    if (!sd) {
        check(error.line <= limits.max_lines + 1);
        return 0;
    }

    // Round trip: value equality (numbers may lose leading zeros, LF becomes CRLF).
    const std::string written = sd->to_string();
    ParseLimits roomy;
    roomy.max_bytes = 1024 * 1024;
    auto again = SessionDescription::parse(written, roomy);
    check(again.has_value());
    check(*again == *sd);
    check(again->to_string() == written);

    for (const auto& m : sd->media) {
        check_media(m);
        (void)sd->direction_of(m);
        (void)sd->connection_for(m);
    }

    for (bool secure : {false, true}) {
        const LocalMedia local = make_local(secure);
        auto answer = create_answer(*sd, local, SessionOptions{});
        if (answer) {
            check(answer->description.media.size() == sd->media.size());
            auto parsed = SessionDescription::parse(answer->description.to_string(), roomy);
            check(parsed.has_value());
            // The offerer reading our answer agrees on the codec.
            auto negotiated = apply_answer(*sd, answer->description);
            if (negotiated) {
                check(negotiated->codec.clock_rate == answer->negotiated.codec.clock_rate);
            }
        }
        (void)apply_answer(*sd, *sd);
        auto reoffer = create_reoffer(*sd, local);
        if (reoffer) {
            check(reoffer->origin.session_id == sd->origin.session_id);
            check(SessionDescription::parse(reoffer->to_string(), roomy).has_value());
        }
    }
    return 0;
}
