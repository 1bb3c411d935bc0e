// libre (baresip's base) as its users drive it: the received datagram sits in an mbuf,
// sip_msg_decode() slices it into pl (pointer, length) views and pre-parses the top Via, From,
// To, CSeq and Call-ID; other headers are looked up with sip_msg_hdr() and decoded on demand
// (sip_addr_decode for the Contact).

// libre's headers declare their own integer and bool types unless told the system has them (its
// own build and baresip's pass these); in C++ their fallback `#define bool _Bool` would break.
#define HAVE_INTTYPES_H 1
#define HAVE_STDBOOL_H 1
#include <re.h>

#include <new>
#include <stdexcept>

#include "stack.hpp"

namespace voip::bench {
namespace {

std::string_view view(const pl& slice) {
    return pl_isset(&slice) ? std::string_view{slice.p, slice.l} : std::string_view{};
}

// Reads the benchmark's fields from a decoded message; false if a mandatory one is missing.
bool read_fields(const sip_msg* msg, FieldViews& out) {
    if (!pl_isset(&msg->via.branch)) return false;
    out.via_branch = view(msg->via.branch);

    if (!pl_isset(&msg->from.tag)) return false;
    out.from_tag = view(msg->from.tag);

    if (!pl_isset(&msg->to.auri)) return false;
    out.to_tag.reset();
    if (pl_isset(&msg->to.tag)) out.to_tag = view(msg->to.tag);

    if (!pl_isset(&msg->cseq.met)) return false;
    out.cseq_number = msg->cseq.num;
    out.cseq_method = view(msg->cseq.met);

    if (!pl_isset(&msg->callid)) return false;
    out.call_id = view(msg->callid);
    out.call_id_host = {};

    // Contact is not pre-parsed by sip_msg_decode(); its users look it up and decode it.
    out.contact_host.reset();
    if (const sip_hdr* contact = sip_msg_hdr(msg, SIP_HDR_CONTACT); contact != nullptr) {
        sip_addr addr{};
        if (sip_addr_decode(&addr, &contact->val) != 0) return false;
        out.contact_host = view(addr.uri.host);
    }
    return true;
}

// The receive buffer: libre's transports hand sip_msg_decode() an mbuf they filled from the
// socket, so building it is not part of the parse and happens once, untimed.
class ReceiveBuffer final : public Prepared {
public:
    explicit ReceiveBuffer(std::string_view bytes) : mb_(mbuf_alloc(bytes.size())) {
        if (mb_ == nullptr ||
            mbuf_write_mem(mb_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) != 0)
            throw std::bad_alloc();
    }
    ~ReceiveBuffer() override { mem_deref(mb_); }
    ReceiveBuffer(const ReceiveBuffer&) = delete;
    ReceiveBuffer& operator=(const ReceiveBuffer&) = delete;

    // sip_msg_decode() reads from mb->pos and leaves it at the body; rewind for the next parse.
    [[nodiscard]] mbuf* rewound() const {
        mb_->pos = 0;
        return mb_;
    }

private:
    mbuf* mb_;
};

// Owns one decoded message (which holds a reference on the mbuf).
struct Message {
    sip_msg* msg = nullptr;
    explicit Message(Prepared* prepared) {
        if (sip_msg_decode(&msg, static_cast<ReceiveBuffer*>(prepared)->rewound()) != 0)
            msg = nullptr;
    }
    ~Message() { mem_deref(msg); }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;
};

class LibreStack final : public Stack {
public:
    LibreStack() {
        if (libre_init() != 0) throw std::runtime_error("libre_init failed");
    }
    ~LibreStack() override { libre_close(); }
    LibreStack(const LibreStack&) = delete;
    LibreStack& operator=(const LibreStack&) = delete;

    [[nodiscard]] std::string_view name() const override { return "libre"; }

    [[nodiscard]] std::unique_ptr<Prepared> prepare(std::string_view bytes) const override {
        return std::make_unique<ReceiveBuffer>(bytes);
    }

    bool parse_and_read(std::string_view /*bytes*/, Prepared* prepared) const override {
        Message message{prepared};
        FieldViews fields;
        if (message.msg == nullptr || !read_fields(message.msg, fields)) return false;
        keep(fields);
        return true;
    }

    [[nodiscard]] std::optional<Fields> extract(std::string_view /*bytes*/,
                                                Prepared* prepared) const override {
        Message message{prepared};
        FieldViews fields;
        if (message.msg == nullptr || !read_fields(message.msg, fields)) return std::nullopt;
        return to_fields(fields);
    }

    [[nodiscard]] std::string_view serialize_unsupported() const override {
        return "libre cannot encode a decoded sip_msg: it keeps the received mbuf and builds "
               "outgoing messages from printf-style templates (sip_request, sip_replyf)";
    }
};

}  // namespace

std::unique_ptr<Stack> make_libre_stack() {
    return std::make_unique<LibreStack>();
}

}  // namespace voip::bench
