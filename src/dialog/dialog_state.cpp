#include <voip/sip/dialog_state.hpp>

namespace voip::sip {

std::string_view to_string(DialogState state) noexcept {
    switch (state) {
        case DialogState::idle:
            return "idle";
        case DialogState::calling:
            return "calling";
        case DialogState::early:
            return "early";
        case DialogState::confirmed:
            return "confirmed";
        case DialogState::terminating:
            return "terminating";
        case DialogState::terminated:
            return "terminated";
    }
    return "?";
}

std::string_view to_string(EndReason reason) noexcept {
    switch (reason) {
        case EndReason::local_bye:
            return "local BYE";
        case EndReason::remote_bye:
            return "remote BYE";
        case EndReason::cancelled:
            return "cancelled";
        case EndReason::rejected:
            return "rejected";
        case EndReason::failed:
            return "failed";
        case EndReason::timeout:
            return "timeout";
        case EndReason::shutdown:
            return "shutdown";
    }
    return "?";
}

}  // namespace voip::sip
