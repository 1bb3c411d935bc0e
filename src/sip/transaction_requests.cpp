#include <voip/sip/transaction_requests.hpp>

#include <array>
#include <stdexcept>
#include <string>

#include "random_pool.hpp"

namespace voip::sip {
namespace {

// Copies the headers an in-transaction request built from @p request shares with it (§9.1,
// §17.1.1.3): top Via only, From, Call-ID, Route; Max-Forwards 70.
Request derived_request(Method method, const Request& request, std::string_view to) {
    auto uri = request.request_uri();
    if (!uri) throw std::invalid_argument("derived request: the request has no valid Request-URI");
    Request out(method, *uri);
    auto vias = request.header_values(HeaderId::via);
    if (!vias.empty()) out.add_header(HeaderId::via, vias.front());
    out.add_header(HeaderId::max_forwards, "70");
    if (auto from = request.header(HeaderId::from)) out.add_header(HeaderId::from, *from);
    out.add_header(HeaderId::to, to);
    out.add_header(HeaderId::call_id, request.call_id());
    auto cseq = request.cseq();
    const std::uint32_t number = cseq ? cseq->number : 0;
    out.add_header(HeaderId::cseq, std::to_string(number) + " " + std::string(to_string(method)));
    for (auto route : request.header_values(HeaderId::route))
        out.add_header(HeaderId::route, route);
    return out;
}

}  // namespace

std::string generate_branch() {
    std::array<unsigned char, 12> random{};
    detail::random_bytes(random);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(branch_cookie);
    for (auto byte : random) {
        out += hex[byte >> 4];
        out += hex[byte & 0x0f];
    }
    return out;
}

Request make_ack_for_non2xx(const Request& invite, const Response& response) {
    // §17.1.1.3: To of the ACK is the To of the response being acknowledged (its tag).
    auto to = response.header(HeaderId::to);
    if (!to) to = invite.header(HeaderId::to);
    return derived_request(Method::ack, invite, to.value_or(""));
}

Request make_cancel(const Request& request) {
    return derived_request(Method::cancel, request, request.header(HeaderId::to).value_or(""));
}

}  // namespace voip::sip
