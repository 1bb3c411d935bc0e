// libFuzzer target for Uri::parse: accepted URIs print back to themselves, reparse to an
// equivalent URI, compare equal to themselves (§19.1.4 equivalence is reflexive), survive the
// edits the upper layers make, and tel: URIs convert to SIP URIs that parse.

#include <voip/sip/name_addr.hpp>
#include <voip/sip/uri.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using voip::sip::Uri;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto uri = Uri::parse(input);
    if (!uri) return 0;
    if (uri->to_string() != input) std::abort();
    auto again = Uri::parse(uri->to_string());
    if (!again || !(*again == *uri) || !(*uri == *uri)) std::abort();
    if (again->user() != uri->user() || again->host() != uri->host() ||
        again->port() != uri->port() || again->headers() != uri->headers()) {
        std::abort();
    }
    (void)uri->user_unescaped();
    (void)uri->params().size();

    // Inside a name-addr the URI survives a round trip too.
    voip::sip::NameAddr na(*uri, "Fuzz");
    auto na_again = voip::sip::NameAddr::parse(na.to_string());
    if (!na_again || !(na_again->uri() == *uri)) std::abort();

    if (uri->scheme() == Uri::Scheme::tel) {
        auto sip = uri->to_sip("gw.example.com");
        if (!sip || sip->param("user") != "phone") std::abort();
    }
    if (uri->is_sip()) {
        Uri edited = *uri;
        edited.set_param("transport", "tcp");
        if (edited.transport() != "tcp") std::abort();
        edited.set_port(5060);
        if (edited.port() != 5060) std::abort();
        edited.set_user("a b");
        if (edited.user_unescaped() != "a b") std::abort();
        edited.remove_param("transport");
        if (edited.params().contains("transport")) std::abort();
    }
    return 0;
}
