#pragma once
/// @file
/// Errors of the transaction layer (RFC 3261 §17).

#include <string_view>
#include <system_error>
#include <type_traits>

namespace voip::sip {

/// Why a transaction did not end with a final response (or why a call was refused).
enum class TransactionError {
    timeout = 1,          ///< Timer B or F fired (client), Timer H fired (server: no ACK)
    transport_error,      ///< the MessageChannel reported a send failure (§17.1.4 / §17.2.4)
    bad_address,          ///< TransportAddress text is not `kind:host:port`
    unmatchable_message,  ///< no usable top Via or CSeq: cannot belong to a transaction
    invalid_response,     ///< a response the transaction's state does not allow (e.g. a
                          ///< second final response, or a 1xx after the final one)
    terminated,           ///< the transaction (or its layer) is gone
};

/// The std::error_category of TransactionError ("voip.sip.transaction").
[[nodiscard]] const std::error_category& transaction_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(TransactionError e) noexcept {
    return {static_cast<int>(e), transaction_category()};
}

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::TransactionError> : std::true_type {};
