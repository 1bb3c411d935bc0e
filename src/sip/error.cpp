#include <voip/sip/error.hpp>

#include <string>

namespace voip::sip {
namespace {

class ParseCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.parse"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<ParseError>(value)) {
            case ParseError::bad_start_line:
                return "malformed start line";
            case ParseError::bad_method:
                return "method is not a token";
            case ParseError::bad_request_uri:
                return "malformed Request-URI";
            case ParseError::bad_version:
                return "unsupported SIP version";
            case ParseError::bad_status_code:
                return "status code outside 100..699";
            case ParseError::bad_header:
                return "malformed header line";
            case ParseError::bad_header_name:
                return "header name is not a token";
            case ParseError::missing_header:
                return "mandatory header missing";
            case ParseError::duplicate_header:
                return "single-valued header repeated";
            case ParseError::bad_content_length:
                return "malformed Content-Length";
            case ParseError::content_length_mismatch:
                return "body shorter than Content-Length";
            case ParseError::bad_cseq:
                return "malformed CSeq";
            case ParseError::cseq_method_mismatch:
                return "CSeq method differs from request method";
            case ParseError::bad_call_id:
                return "malformed Call-ID";
            case ParseError::bad_via:
                return "malformed Via";
            case ParseError::bad_name_addr:
                return "malformed name-addr";
            case ParseError::bad_max_forwards:
                return "malformed Max-Forwards";
            case ParseError::bad_expires:
                return "malformed Expires";
            case ParseError::bad_uri:
                return "malformed URI";
            case ParseError::bad_param:
                return "malformed parameter";
            case ParseError::too_large:
                return "message too large";
            case ParseError::too_many_headers:
                return "too many headers";
            case ParseError::incomplete:
                return "message incomplete";
            case ParseError::bad_framing:
                return "stream framing lost";
            case ParseError::missing_content_length:
                return "Content-Length missing on a stream";
            case ParseError::wrong_kind:
                return "request/response kind not as expected";
        }
        return "unknown SIP parse error";
    }
};

}  // namespace

const std::error_category& parse_category() noexcept {
    static const ParseCategory category;
    return category;
}

}  // namespace voip::sip
