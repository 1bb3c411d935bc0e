// The MessageChannel's defaults for channels that only implement send().
#include <voip/sip/message_channel.hpp>
#include <voip/sip/parser.hpp>

#include <variant>

namespace voip::sip {

SentBytes MessageChannel::send_kept(const Message& message, const TransportAddress& to,
                                    ErrorHandler on_error) {
    send(message, to, std::move(on_error));
    return SentBytes{std::make_shared<const std::string>(message.to_string()), to};
}

void MessageChannel::resend(const SentBytes& sent, ErrorHandler on_error) {
    if (!sent.bytes) return;
    auto parsed = parse_message(std::string_view(*sent.bytes));
    if (!parsed) return;  // our own serialization: cannot happen
    std::visit([&](const auto& message) { send(message, sent.to, std::move(on_error)); }, *parsed);
}

}  // namespace voip::sip
