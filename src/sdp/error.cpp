#include <voip/sdp/error.hpp>

#include <string>

namespace voip::sdp {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sdp"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::empty_input:
                return "empty session description";
            case Errc::too_large:
                return "session description too large";
            case Errc::too_many_lines:
                return "too many lines in session description";
            case Errc::too_many_media:
                return "too many media sections";
            case Errc::bad_line:
                return "line is not <type>=<value>";
            case Errc::bad_character:
                return "forbidden character in line";
            case Errc::unknown_line_type:
                return "unknown line type";
            case Errc::out_of_order:
                return "line out of order";
            case Errc::duplicate_line:
                return "line may appear only once";
            case Errc::missing_version:
                return "missing v= line";
            case Errc::bad_version:
                return "unsupported SDP version";
            case Errc::missing_origin:
                return "missing o= line";
            case Errc::bad_origin:
                return "malformed o= line";
            case Errc::missing_session_name:
                return "missing s= line";
            case Errc::missing_timing:
                return "missing t= line";
            case Errc::bad_timing:
                return "malformed t= or r= line";
            case Errc::bad_connection:
                return "malformed c= line";
            case Errc::missing_connection:
                return "media section without connection address";
            case Errc::bad_bandwidth:
                return "malformed b= line";
            case Errc::bad_media:
                return "malformed m= line";
            case Errc::bad_attribute:
                return "malformed a= line";
            case Errc::bad_rtpmap:
                return "malformed rtpmap attribute";
            case Errc::bad_fmtp:
                return "malformed fmtp attribute";
            case Errc::bad_ptime:
                return "malformed ptime or maxptime attribute";
            case Errc::bad_rtcp:
                return "malformed rtcp attribute";
            case Errc::bad_crypto:
                return "malformed crypto attribute";
            case Errc::bad_direction:
                return "direction attribute with a value";
            case Errc::bad_mid:
                return "empty mid attribute";
            case Errc::invalid_local_media:
                return "local media description is unusable";
            case Errc::no_audio_media:
                return "no audio media section";
            case Errc::no_common_codec:
                return "no codec in common";
            case Errc::secure_media_required:
                return "secure media (SRTP) required";
            case Errc::no_usable_crypto:
                return "RTP/SAVP without a usable crypto line";
            case Errc::unsupported_transport:
                return "unsupported media transport";
            case Errc::answer_mismatch:
                return "answer does not match the offer";
            case Errc::answer_rejected:
                return "answer rejected the audio stream";
            case Errc::srtp_required:
                return "SRTP required: no fallback to RTP/AVP";
            case Errc::no_fallback:
                return "offer had no RTP/SAVP stream to fall back from";
        }
        return "unknown sdp error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace voip::sdp
