// libosip2 as its users drive it: osip_message_init / osip_message_parse / osip_message_free,
// then the osip_message_get_* accessors and generic-parameter lookups by name.

#include <osipparser2/osip_parser.h>

#include <charconv>
#include <cstring>

#include "stack.hpp"

namespace voip::bench {
namespace {

// libosip2's lookups take `char*` names; its osip_from_get_tag()/osip_to_get_tag() macros pass
// a string literal, which C++ rejects, so the names live in writable arrays and the macros'
// expansion (osip_generic_param_get_byname on gen_params) is written out.
char branch_name[] = "branch";
char tag_name[] = "tag";

std::string_view view(const char* text) {
    return text != nullptr ? std::string_view{text} : std::string_view{};
}

// libosip2 keeps the CSeq number as text; its users convert it.
std::uint32_t to_number(const char* text) {
    std::uint32_t number = 0;
    if (text != nullptr) std::from_chars(text, text + std::strlen(text), number);
    return number;
}

// Reads the benchmark's fields from a parsed message; false if a mandatory one is missing.
bool read_fields(osip_message_t* msg, FieldViews& out) {
    osip_via_t* via = nullptr;
    if (osip_message_get_via(msg, 0, &via) < 0 || via == nullptr) return false;
    osip_generic_param_t* branch = nullptr;
    if (osip_via_param_get_byname(via, branch_name, &branch) < 0 || branch == nullptr) return false;
    out.via_branch = view(branch->gvalue);

    osip_from_t* from = osip_message_get_from(msg);
    osip_generic_param_t* from_tag = nullptr;
    if (from == nullptr ||
        osip_generic_param_get_byname(&from->gen_params, tag_name, &from_tag) < 0 ||
        from_tag == nullptr) {
        return false;
    }
    out.from_tag = view(from_tag->gvalue);

    osip_to_t* to = osip_message_get_to(msg);
    if (to == nullptr) return false;
    osip_generic_param_t* to_tag = nullptr;
    out.to_tag.reset();
    if (osip_generic_param_get_byname(&to->gen_params, tag_name, &to_tag) >= 0 &&
        to_tag != nullptr) {
        out.to_tag = view(to_tag->gvalue);
    }

    osip_cseq_t* cseq = osip_message_get_cseq(msg);
    if (cseq == nullptr) return false;
    out.cseq_number = to_number(osip_cseq_get_number(cseq));
    out.cseq_method = view(osip_cseq_get_method(cseq));

    osip_call_id_t* call_id = osip_message_get_call_id(msg);
    if (call_id == nullptr) return false;
    out.call_id = view(osip_call_id_get_number(call_id));
    out.call_id_host = view(osip_call_id_get_host(call_id));

    osip_contact_t* contact = nullptr;
    osip_uri_t* contact_uri = nullptr;
    if (osip_message_get_contact(msg, 0, &contact) >= 0 && contact != nullptr) {
        contact_uri = osip_contact_get_url(contact);
    }
    out.contact_host.reset();
    if (contact_uri != nullptr) out.contact_host = view(osip_uri_get_host(contact_uri));
    return true;
}

struct Message {
    osip_message_t* msg = nullptr;
    Message() { osip_message_init(&msg); }
    ~Message() { osip_message_free(msg); }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

    bool parse(std::string_view bytes) {
        return msg != nullptr && osip_message_parse(msg, bytes.data(), bytes.size()) == 0;
    }
};

class KeptMessage final : public Parsed {
public:
    Message message;
};

class OsipStack final : public Stack {
public:
    OsipStack() {
        // libosip2's header-name tables; osip_message_parse needs them built once.
        parser_init();
    }

    [[nodiscard]] std::string_view name() const override { return "osip2"; }

    bool parse_and_read(std::string_view bytes, Prepared* /*prepared*/) const override {
        Message message;
        FieldViews fields;
        if (!message.parse(bytes) || !read_fields(message.msg, fields)) return false;
        keep(fields);
        return true;
    }

    [[nodiscard]] std::optional<Fields> extract(std::string_view bytes,
                                                Prepared* /*prepared*/) const override {
        Message message;
        FieldViews fields;
        if (!message.parse(bytes) || !read_fields(message.msg, fields)) return std::nullopt;
        return to_fields(fields);
    }

    [[nodiscard]] std::unique_ptr<Parsed> parse_kept(std::string_view bytes,
                                                     Prepared* /*prepared*/) const override {
        auto kept = std::make_unique<KeptMessage>();
        if (!kept->message.parse(bytes)) return nullptr;
        return kept;
    }

    std::size_t serialize(Parsed& parsed, std::string* out) const override {
        osip_message_t* msg = static_cast<KeptMessage&>(parsed).message.msg;
        // osip_message_to_str() only copies its cached original while the message is unchanged;
        // force_update makes it re-encode every header, which is the work being compared.
        osip_message_force_update(msg);
        char* text = nullptr;
        std::size_t length = 0;
        if (osip_message_to_str(msg, &text, &length) != 0 || text == nullptr) return 0;
        if (out != nullptr) out->assign(text, length);
        keep_bytes(std::string_view{text, length});
        osip_free(text);
        return length;
    }
};

}  // namespace

std::unique_ptr<Stack> make_osip_stack() {
    return std::make_unique<OsipStack>();
}

}  // namespace voip::bench
