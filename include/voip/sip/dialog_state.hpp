#pragma once
/// @file
/// Dialog states (RFC 3261 §12) and why a dialog ended.

#include <string_view>

namespace voip::sip {

/// Where a dialog is. idle: made, nothing sent; calling: our INVITE is out (UAC) or an INVITE
/// is being answered (UAS, before a 1xx with tag); early: a provisional response with a To tag
/// (§12.1); confirmed: 2xx sent/received; terminating: BYE sent or 2xx waiting for its ACK
/// refused; terminated: gone.
enum class DialogState { idle, calling, early, confirmed, terminating, terminated };

/// Why a dialog ended (Dialog::on_terminated).
enum class EndReason {
    local_bye,   ///< we sent BYE
    remote_bye,  ///< the far end sent BYE
    cancelled,   ///< CANCEL before the answer (either side)
    rejected,    ///< a final non-2xx to the INVITE (sent or received)
    failed,      ///< SDP, transport, or transaction failure; no ACK
    timeout,     ///< no answer (Timer B), ring timeout
    shutdown,    ///< the UserAgent / dialog layer went away
};

[[nodiscard]] std::string_view to_string(DialogState state) noexcept;
[[nodiscard]] std::string_view to_string(EndReason reason) noexcept;

}  // namespace voip::sip
