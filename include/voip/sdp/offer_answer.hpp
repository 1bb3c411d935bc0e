#pragma once
/// @file
/// RFC 3264 offer/answer for one audio stream: build an offer, answer an offer, read the answer
/// to our offer, re-offer (hold, new address). Pure: no I/O, no clocks; randomness only for
/// SRTP keys (Crypto::generate) and only if the caller asks for it.

#include <voip/result.hpp>
#include <voip/sdp/session_description.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace voip::sdp {

/// One codec we can send and receive, in our preference order.
struct CodecSpec {
    CodecSpec() = default;
    /// `{"opus", 48000, 2, "useinbandfec=1"}`, `{"PCMU", 8000}`, ...
    CodecSpec(std::string name, std::uint32_t clock_rate, unsigned channels = 1,
              std::string fmtp = {}, std::optional<std::uint8_t> payload_type = std::nullopt)
        : name(std::move(name)),
          clock_rate(clock_rate),
          channels(channels),
          fmtp(std::move(fmtp)),
          payload_type(payload_type) {}

    std::string name;                 ///< encoding name, e.g. "PCMU", "opus", "telephone-event"
    std::uint32_t clock_rate = 8000;  ///< RTP clock rate (G722: 8000, opus: 48000)
    unsigned channels = 1;            ///< opus: 2
    std::string fmtp;                 ///< our format parameters (e.g. "0-16" for DTMF)
    std::optional<std::uint8_t> payload_type;  ///< preferred PT; default: static or 96+
};

/// How SRTP (SDES, RFC 4568) is treated. Same names as srtp::SrtpPolicy.
enum class CryptoPolicy {
    off,        ///< plain RTP/AVP only; RTP/SAVP offers are refused
    preferred,  ///< offer RTP/SAVP; answer either; SDES in an RTP/AVP offer is taken if usable
    required,   ///< RTP/SAVP with a usable crypto line, or nothing
};

/// Our side of the audio stream.
struct LocalMedia {
    std::string address;            ///< IPv4 or IPv6 literal the peer sends RTP to
    std::uint16_t port = 0;         ///< RTP port (even, RFC 3550 §11)
    std::vector<CodecSpec> codecs;  ///< preference order; include telephone-event for DTMF
    Direction direction = Direction::sendrecv;  ///< sendonly to put the peer on hold
    std::optional<unsigned> ptime;              ///< packetisation we want to receive, ms
    bool rtcp_mux = false;                      ///< offer/accept RFC 5761 rtcp-mux
    CryptoPolicy crypto_policy = CryptoPolicy::off;
    /// Our SDES lines: offered as they are; when answering, the suites we accept and our key
    /// for each (the tag is replaced by the offer's). Crypto::generate makes one.
    std::vector<Crypto> crypto;
};

/// Session-level fields of descriptions we write.
struct SessionOptions {
    std::string username = "-";
    std::uint64_t session_id = 0;  ///< RFC 8866 §5.2: pick something unique (e.g. NTP time)
    std::uint64_t session_version = 0;
    std::string session_name = "libvoip";
};

/// What both sides agreed on for one audio stream, from our point of view: everything the
/// media layer needs to send and receive.
struct Negotiated {
    std::size_t media_index = 0;            ///< which m= section
    PayloadFormat codec;                    ///< the codec; payload_type is the PT we SEND with
    std::uint8_t receive_payload_type = 0;  ///< the PT we receive it with (ours)
    std::optional<PayloadFormat> telephone_event;  ///< RFC 4733 DTMF, same clock rate as codec
    std::string remote_address;                    ///< where we send RTP
    std::uint16_t remote_port = 0;
    std::string remote_rtcp_address;  ///< where we send RTCP (RFC 3605 a=rtcp or port + 1)
    std::uint16_t remote_rtcp_port = 0;
    bool rtcp_mux = false;                      ///< RFC 5761: RTCP on the RTP port
    Direction direction = Direction::sendrecv;  ///< may WE send / receive
    std::optional<unsigned> remote_ptime;       ///< packetisation the peer asked us to send, ms
    std::optional<unsigned> local_ptime;        ///< packetisation we asked for, ms
    /// SDES keys, if SRTP was agreed: `local` protects what we send, `remote` what we receive.
    /// srtp::KeyMaterial::from_inline(suite, "inline:" + remote.keys[0].key_salt) takes them.
    struct Srtp {
        std::string suite;
        Crypto local;
        Crypto remote;
        friend bool operator==(const Srtp&, const Srtp&) = default;
    };
    std::optional<Srtp> srtp;
    friend bool operator==(const Negotiated&, const Negotiated&) = default;
};

/// An answer and what it means for us.
struct Answer {
    SessionDescription description;
    Negotiated negotiated;
};

/// How we answer.
struct AnswerOptions {
    /// true: pick the first codec of OUR list the offer also has (answerer's preference);
    /// false: the first codec of the offer we support (offerer's preference).
    bool prefer_local_order = true;
    /// Accept crypto lines with an MKI or several keys (our SRTP layer takes neither).
    bool accept_mki = false;
};

/// Builds an offer (RFC 3264 §5): one audio section with our codecs, telephone-event and
/// direction; RTP/SAVP with our crypto lines unless the policy is off.
/// Errors: invalid_local_media (no codec, no address, crypto policy without crypto lines).
Result<SessionDescription> create_offer(const LocalMedia& local, const SessionOptions& session);

/// RFC 3264 §8: a new offer in the same session: same o= id, version + 1; what changed comes
/// from `local` (e.g. direction sendonly for hold). `previous` is our last description sent.
Result<SessionDescription> create_reoffer(const SessionDescription& previous,
                                          const LocalMedia& local);

/// Answers an offer (RFC 3264 §6): the first audio section we can use is accepted, every other
/// section rejected with port 0. Errors: no_audio_media, no_common_codec (→ 488),
/// secure_media_required, no_usable_crypto, unsupported_transport, invalid_local_media.
/// `session` gives our o= line (on a re-answer pass the previous id and version + 1).
Result<Answer> create_answer(const SessionDescription& offer, const LocalMedia& local,
                             const SessionOptions& session, const AnswerOptions& options = {});

/// Reads the peer's answer to our offer (RFC 3264 §7) and returns what was agreed.
/// Errors: answer_mismatch (section count/type/protocol differ, unknown codec or crypto tag),
/// answer_rejected (audio answered with port 0), no_common_codec, no_usable_crypto.
Result<Negotiated> apply_answer(const SessionDescription& offer, const SessionDescription& answer);

/// True when an offer/answer error means the offer is not acceptable: the answerer's dialog
/// replies 488 Not Acceptable Here (RFC 3261 §21.4.26, RFC 3264 §6). These are the errors
/// create_answer returns for a usable offer it cannot take (no_audio_media, no_common_codec,
/// secure_media_required, no_usable_crypto, unsupported_transport); parse errors are 400.
[[nodiscard]] bool is_not_acceptable(std::error_code error) noexcept;

/// The offer to send after the far end refused @p refused (a 488 to our RTP/SAVP offer),
/// following our crypto @p policy (issue 7: required, preferred, off):
/// - preferred: the same offer (same o= id, version + 1, same codecs and payload types) with
///   every RTP/SAVP section turned into RTP/AVP and its a=crypto lines removed;
/// - required: Errc::srtp_required, the call fails;
/// - off, or @p refused has no RTP/SAVP section: Errc::no_fallback (it was plain already, so
///   the 488 is final).
Result<SessionDescription> fallback_offer(const SessionDescription& refused, CryptoPolicy policy);

/// Sets where the peer sends RTP (c= address and m= port) to @p address / @p port, e.g. the
/// public address a STUN Binding request learned for the RTP socket (RFC 5389 §7). IPv6 is
/// written as `IN IP6`. Errors: invalid_local_media (not an IP literal, port 0).
Result<void> use_public_address(LocalMedia& local, std::string_view address, std::uint16_t port);

/// Same, from anything shaped like an Asio endpoint (`address().to_string()`, `port()`), such
/// as the asio::ip::udp::endpoint of rtp::Session::async_discover_public_address.
template <class Endpoint>
Result<void> use_public_address(LocalMedia& local, const Endpoint& endpoint) {
    return use_public_address(local, endpoint.address().to_string(), endpoint.port());
}

}  // namespace voip::sdp
