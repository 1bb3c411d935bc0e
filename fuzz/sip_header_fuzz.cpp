// libFuzzer target for header values parsed on their own: NameAddr (From/To/Contact/Route),
// Via and CSeq, plus the comma and parameter splitters on arbitrary text. Accepted values
// serialize to text that parses back to the same fields.

#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/name_addr.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace voip::sip;
    std::string_view input(reinterpret_cast<const char*>(data), size);

    if (auto na = NameAddr::parse(input)) {
        auto again = NameAddr::parse(na->to_string());
        if (!again || !(*again == *na) || again->to_string() != na->to_string()) std::abort();
        (void)na->expires();
    }
    if (auto via = Via::parse(input)) {
        std::string text = via->to_string();
        auto again = Via::parse(text);
        if (!again || again->transport != via->transport || again->host != via->host ||
            again->port != via->port || again->branch() != via->branch() ||
            again->has_rport() != via->has_rport() || again->to_string() != text) {
            std::abort();
        }
        (void)via->rport();
    }
    if (auto cseq = CSeq::parse(input)) {
        std::string text = cseq->to_string();  // CSeq is a view: keep its text alive
        auto again = CSeq::parse(text);
        if (!again || again->number != cseq->number || again->method != cseq->method) std::abort();
    }
    // Splitters must terminate and stay inside the text whatever it holds.
    std::size_t total = 0;
    for (std::string_view element : CommaList(input)) {
        if (element.empty() || element.data() < input.data() ||
            element.data() + element.size() > input.data() + input.size()) {
            std::abort();
        }
        total += element.size();
    }
    if (total > input.size()) std::abort();
    for (const Param& p : ParamList(input)) {
        if (p.name.data() < input.data() ||
            p.name.data() + p.name.size() > input.data() + input.size()) {
            std::abort();
        }
        (void)unquote(p.value);
    }
    (void)header_id(input);
    return 0;
}
