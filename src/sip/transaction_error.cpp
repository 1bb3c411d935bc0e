#include <voip/sip/transaction_error.hpp>

#include <string>

namespace voip::sip {
namespace {

class TransactionCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.transaction"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<TransactionError>(value)) {
            case TransactionError::timeout:
                return "transaction timed out";
            case TransactionError::transport_error:
                return "transport error";
            case TransactionError::bad_address:
                return "malformed transport address";
            case TransactionError::unmatchable_message:
                return "message has no usable Via branch or CSeq";
            case TransactionError::invalid_response:
                return "response not allowed in the transaction's state";
            case TransactionError::terminated:
                return "transaction terminated";
        }
        return "unknown transaction error";
    }
};

}  // namespace

const std::error_category& transaction_category() noexcept {
    static const TransactionCategory category;
    return category;
}

}  // namespace voip::sip
