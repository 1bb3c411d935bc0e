#include <voip/rtp/media_error.hpp>

#include <string>

namespace voip::rtp {
namespace {

class MediaCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.rtp.media"; }
    [[nodiscard]] std::string message(int code) const override {
        switch (static_cast<MediaErrc>(code)) {
            case MediaErrc::no_free_port:
                return "no free RTP port in the configured range";
            case MediaErrc::bad_port_range:
                return "RTP port range holds no even port pair";
            case MediaErrc::not_open:
                return "media session is not open";
            case MediaErrc::no_remote:
                return "no remote media address";
            case MediaErrc::send_failed:
                return "sending the datagram failed";
            case MediaErrc::payload_too_large:
                return "payload too large for one datagram";
            case MediaErrc::protect_failed:
                return "SRTP protect failed";
            case MediaErrc::no_signalling:
                return "no signalling owner to hang up through";
            case MediaErrc::stopped:
                return "media session stopped";
            case MediaErrc::too_many_sessions:
                return "too many media sessions on this multiplexer";
        }
        return "unknown media error";
    }
};

}  // namespace

const std::error_category& media_error_category() noexcept {
    static const MediaCategory category;
    return category;
}

}  // namespace voip::rtp
