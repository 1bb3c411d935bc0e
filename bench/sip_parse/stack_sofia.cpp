// sofia-sip as its users drive it: msg_make(sip_default_mclass(), ...) parses the whole message
// into a msg_t, sip_object() gives the typed sip_t whose header structs are read directly;
// msg_as_string() encodes it back, msg_destroy() frees it all.

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/su_alloc.h>

#include "stack.hpp"

namespace voip::bench {
namespace {

std::string_view view(const char* text) {
    return text != nullptr ? std::string_view{text} : std::string_view{};
}

// Reads the benchmark's fields from a parsed message; false if a mandatory one is missing.
bool read_fields(const sip_t* sip, FieldViews& out) {
    if (sip->sip_via == nullptr || sip->sip_via->v_branch == nullptr) return false;
    out.via_branch = view(sip->sip_via->v_branch);

    if (sip->sip_from == nullptr || sip->sip_from->a_tag == nullptr) return false;
    out.from_tag = view(sip->sip_from->a_tag);

    if (sip->sip_to == nullptr) return false;
    out.to_tag.reset();
    if (sip->sip_to->a_tag != nullptr) out.to_tag = view(sip->sip_to->a_tag);

    if (sip->sip_cseq == nullptr) return false;
    out.cseq_number = sip->sip_cseq->cs_seq;
    out.cseq_method = view(sip->sip_cseq->cs_method_name);

    if (sip->sip_call_id == nullptr) return false;
    out.call_id = view(sip->sip_call_id->i_id);
    out.call_id_host = {};

    out.contact_host.reset();
    if (sip->sip_contact != nullptr && sip->sip_contact->m_url->url_host != nullptr) {
        out.contact_host = view(sip->sip_contact->m_url->url_host);
    }
    return true;
}

// Owns one parsed message; sip is null when sofia-sip rejected the bytes.
struct Message {
    msg_t* msg = nullptr;
    sip_t* sip = nullptr;

    explicit Message(std::string_view bytes)
        : msg(msg_make(sip_default_mclass(), 0, bytes.data(), static_cast<ssize_t>(bytes.size()))) {
        if (msg == nullptr) return;
        sip_t* parsed = sip_object(msg);
        // msg_make() returns a message even when extraction failed; the error flag says so.
        if (parsed != nullptr && !MSG_HAS_ERROR(parsed->sip_flags) &&
            (parsed->sip_request != nullptr || parsed->sip_status != nullptr))
            sip = parsed;
    }
    ~Message() {
        if (msg != nullptr) msg_destroy(msg);
    }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;
};

class KeptMessage final : public Parsed {
public:
    explicit KeptMessage(std::string_view bytes) : message(bytes) {}
    Message message;
};

class SofiaStack final : public Stack {
public:
    [[nodiscard]] std::string_view name() const override { return "sofia"; }

    bool parse_and_read(std::string_view bytes, Prepared* /*prepared*/) const override {
        Message message{bytes};
        FieldViews fields;
        if (message.sip == nullptr || !read_fields(message.sip, fields)) return false;
        keep(fields);
        return true;
    }

    [[nodiscard]] std::optional<Fields> extract(std::string_view bytes,
                                                Prepared* /*prepared*/) const override {
        Message message{bytes};
        FieldViews fields;
        if (message.sip == nullptr || !read_fields(message.sip, fields)) return std::nullopt;
        return to_fields(fields);
    }

    [[nodiscard]] std::unique_ptr<Parsed> parse_kept(std::string_view bytes,
                                                     Prepared* /*prepared*/) const override {
        auto kept = std::make_unique<KeptMessage>(bytes);
        if (kept->message.sip == nullptr) return nullptr;
        return kept;
    }

    std::size_t serialize(Parsed& parsed, std::string* out) const override {
        msg_t* msg = static_cast<KeptMessage&>(parsed).message.msg;
        // msg_as_string() runs every header's print function (it does not reuse the received
        // text), so this is a real encode of the parsed form.
        std::size_t length = 0;
        char* text = msg_as_string(msg_home(msg), msg, nullptr, 0, &length);
        if (text == nullptr) return 0;
        if (out != nullptr) out->assign(text, length);
        keep_bytes(std::string_view{text, length});
        su_free(msg_home(msg), text);
        return length;
    }
};

}  // namespace

std::unique_ptr<Stack> make_sofia_stack() {
    return std::make_unique<SofiaStack>();
}

}  // namespace voip::bench
