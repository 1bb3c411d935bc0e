#include <voip/rtp/error.hpp>

#include <string>

namespace voip::rtp {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.rtp"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Error>(value)) {
            case Error::ok:
                return "success";
            case Error::truncated:
                return "datagram truncated";
            case Error::bad_version:
                return "RTP version is not 2";
            case Error::csrc_past_end:
                return "CSRC list runs past the end of the packet";
            case Error::extension_past_end:
                return "header extension runs past the end of the packet";
            case Error::bad_padding:
                return "invalid padding length";
            case Error::bad_extension_element:
                return "malformed RFC 8285 header extension element";
            case Error::buffer_too_small:
                return "output buffer too small";
            case Error::too_many_csrcs:
                return "more than 15 CSRCs";
            case Error::bad_extension_length:
                return "header extension length is not a multiple of 4";
            case Error::rtcp_bad_length:
                return "RTCP length field inconsistent with the datagram";
            case Error::rtcp_first_not_report:
                return "compound RTCP packet does not start with SR or RR";
            case Error::rtcp_padding_not_last:
                return "RTCP padding on a packet other than the last";
            case Error::rtcp_bad_count:
                return "RTCP count does not fit the packet length";
            case Error::rtcp_bad_sdes:
                return "malformed RTCP SDES chunk";
            case Error::rtcp_wrong_type:
                return "RTCP packet of another type";
            case Error::value_out_of_range:
                return "value does not fit its wire field";
        }
        return "unknown rtp error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace voip::rtp
