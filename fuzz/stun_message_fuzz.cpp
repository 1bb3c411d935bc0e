// libFuzzer target: STUN message parsing (RFC 5389), attribute decoders, the test responder's
// answer and the builder round trip. Any crash, sanitizer report or broken invariant
// (__builtin_trap) is a finding.
#include <voip/stun/binding_responder.hpp>
#include <voip/stun/message.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace {
void check(bool condition) {
    if (!condition) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace voip::stun;
    const std::span<const std::uint8_t> input(data, size);
    auto m = MessageView::parse(input);
    if (!m) return 0;
    (void)m->method();
    (void)m->message_class();
    std::size_t attributes = 0;
    for (const auto& a : *m) {
        check(a.value.data() >= data && a.value.data() + a.value.size() <= data + size);
        check(++attributes <= size / 4);
    }
    (void)m->software();
    (void)m->error_code();
    std::array<std::uint16_t, 4> unknown{};
    (void)m->unknown_comprehension_required(unknown);
    const asio::ip::udp::endpoint from{asio::ip::make_address_v4(0x7F000001), 3478};

    // XOR-MAPPED-ADDRESS written back with the same transaction ID decodes to the same value.
    if (auto ep = m->xor_mapped_address()) {
        std::array<std::uint8_t, 64> buf{};
        MessageBuilder b{buf, Method::binding, Class::success_response, m->transaction_id()};
        check(b.add_xor_mapped_address(*ep).has_value());
        auto n = b.finish();
        check(n.has_value());
        auto back = MessageView::parse(std::span(buf.data(), *n));
        check(back.has_value() && back->xor_mapped_address().value() == *ep);
    }
    (void)m->mapped_address();

    // The responder's answer to any valid message is itself a valid message.
    std::array<std::uint8_t, 1024> out{};
    auto response = BindingResponder::make_response(input, from, out, {});
    if (response && *response != 0) {
        auto parsed = MessageView::parse(std::span(out.data(), *response));
        check(parsed.has_value() && parsed->transaction_id() == m->transaction_id());
    }
    return 0;
}
