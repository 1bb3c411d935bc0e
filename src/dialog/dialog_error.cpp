#include <voip/sip/dialog_error.hpp>
#include <voip/sip/message.hpp>

#include <string>

namespace voip::sip {
namespace {

class DialogCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.dialog"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<DialogErrc>(value)) {
            case DialogErrc::not_confirmed:
                return "the dialog is not confirmed";
            case DialogErrc::already_ending:
                return "the dialog is ending";
            case DialogErrc::no_media:
                return "no media session";
            case DialogErrc::glare:
                return "re-INVITE glare";
            case DialogErrc::bad_sdp:
                return "missing or unusable SDP";
            case DialogErrc::wrong_state:
                return "not possible in this dialog state";
            case DialogErrc::no_ack:
                return "no ACK for the 2xx";
            case DialogErrc::bad_target:
                return "the target cannot be resolved";
            case DialogErrc::auth_failed:
                return "authentication failed";
            case DialogErrc::too_many_dialogs:
                return "too many dialogs";
            case DialogErrc::forked_late:
                return "a late 2xx of another fork";
            case DialogErrc::shutdown:
                return "the user agent shut down";
            case DialogErrc::media_timeout:
                return "no media received: the far end is gone";
        }
        return "unknown dialog error";
    }
};

class StatusCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.status"; }
    [[nodiscard]] std::string message(int value) const override {
        const auto reason = default_reason(value);
        return std::to_string(value) + (reason.empty() ? "" : " " + std::string(reason));
    }
};

}  // namespace

const std::error_category& dialog_category() noexcept {
    static const DialogCategory category;
    return category;
}

const std::error_category& status_category() noexcept {
    static const StatusCategory category;
    return category;
}

}  // namespace voip::sip
