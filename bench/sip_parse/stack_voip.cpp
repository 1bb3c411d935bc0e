// Our parser (voip::sip) as the layers above it use it: sip::parse_message() on the received
// bytes, then the Message accessors. The Contact host needs the URI parsed (Uri::parse), as the
// peers all do when they hand out a Contact URI structure.

#include <voip/sip/message.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/uri.hpp>

#include <variant>

#include "stack.hpp"

namespace voip::bench {
namespace {

const sip::Message& as_message(const sip::AnyMessage& any) {
    return std::visit([](const auto& message) -> const sip::Message& { return message; }, any);
}

// Reads the benchmark's fields and hands them to `use` while the message (and the Contact URI,
// which owns its text) are alive; false if a mandatory field is missing or malformed.
template <class Use>
bool read_fields(const sip::Message& message, Use&& use) {
    FieldViews out;
    out.via_branch = message.branch();
    if (out.via_branch.empty()) return false;
    out.from_tag = message.from_tag();
    if (out.from_tag.empty()) return false;
    if (const std::string_view to_tag = message.to_tag(); !to_tag.empty()) out.to_tag = to_tag;

    const auto cseq = message.cseq();
    if (!cseq) return false;
    out.cseq_number = cseq->number;
    out.cseq_method = cseq->method;

    out.call_id = message.call_id();
    if (out.call_id.empty()) return false;

    Result<sip::Uri> contact_uri = sip::Uri{};
    if (const auto contact_text = message.contact_uri(); contact_text) {
        contact_uri = sip::Uri::parse(*contact_text);
        if (!contact_uri) return false;
        out.contact_host = contact_uri->host();
    }
    use(out);
    return true;
}

class KeptMessage final : public Parsed {
public:
    explicit KeptMessage(sip::AnyMessage parsed) : message(std::move(parsed)) {}
    sip::AnyMessage message;
};

class VoipStack final : public Stack {
public:
    [[nodiscard]] std::string_view name() const override { return "voip"; }

    bool parse_and_read(std::string_view bytes, Prepared* /*prepared*/) const override {
        const auto parsed = sip::parse_message(bytes);
        return parsed && read_fields(as_message(*parsed), [](const FieldViews& v) { keep(v); });
    }

    [[nodiscard]] std::optional<Fields> extract(std::string_view bytes,
                                                Prepared* /*prepared*/) const override {
        const auto parsed = sip::parse_message(bytes);
        std::optional<Fields> fields;
        if (!parsed ||
            !read_fields(as_message(*parsed), [&](const FieldViews& v) { fields = to_fields(v); }))
            return std::nullopt;
        return fields;
    }

    [[nodiscard]] std::unique_ptr<Parsed> parse_kept(std::string_view bytes,
                                                     Prepared* /*prepared*/) const override {
        auto parsed = sip::parse_message(bytes);
        if (!parsed) return nullptr;
        return std::make_unique<KeptMessage>(std::move(*parsed));
    }

    std::size_t serialize(Parsed& parsed, std::string* out) const override {
        // to_string() allocates a fresh string each time, as the peers allocate their output.
        const std::string text = as_message(static_cast<KeptMessage&>(parsed).message).to_string();
        if (out != nullptr) *out = text;
        keep_bytes(text);
        return text.size();
    }
};

}  // namespace

std::unique_ptr<Stack> make_voip_stack() {
    return std::make_unique<VoipStack>();
}

}  // namespace voip::bench
