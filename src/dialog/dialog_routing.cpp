#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/transport_routing.hpp>

#include <algorithm>
#include <string_view>

namespace voip::sip {

Uri request_uri_form(const Uri& uri) {
    if (!uri.is_sip()) return uri;
    Uri out = uri;
    if (!uri.headers().empty()) {
        // RFC 3261 §19.1.5: headers are not allowed in a Request-URI.
        const std::string& text = uri.to_string();
        if (auto cut = Uri::parse(std::string_view(text).substr(0, text.find('?')))) {
            out = std::move(*cut);
        }
    }
    // §19.1.1 table: method, ttl and maddr are not used in a Request-URI of a request we
    // send to a remote target (maddr would redirect it).
    for (const std::string_view name : {"method", "ttl", "maddr"}) {
        if (out.param(name)) out.remove_param(name);
    }
    return out;
}

Result<Uri> remote_target_of(const Message& message) {
    auto contacts = message.contacts();
    if (!contacts) return contacts.error();
    if (contacts->empty()) return ParseError::missing_header;
    return request_uri_form(contacts->front().uri());
}

Result<std::vector<NameAddr>> route_set_of(const Message& message, bool uac) {
    auto routes = message.record_routes();
    if (!routes) return routes.error();
    std::vector<NameAddr> set = std::move(*routes);
    // RFC 3261 §12.1.2: the UAC takes Record-Route in reverse order.
    if (uac) std::reverse(set.begin(), set.end());
    return set;
}

InDialogRoute route_in_dialog(const Uri& remote_target, const std::vector<NameAddr>& route_set) {
    InDialogRoute out{request_uri_form(remote_target), {}, remote_target};
    if (route_set.empty()) return out;
    const Uri& first = route_set.front().uri();
    out.next_hop = first;
    if (first.lr()) {
        for (const auto& r : route_set)
            out.route.push_back(r.to_string());
        return out;
    }
    // RFC 3261 §12.2.1.1: a strict router — its URI becomes the Request-URI (parameters not
    // allowed there stripped) and the remote target goes to the end of the Route list.
    out.request_uri = request_uri_form(first);
    for (std::size_t i = 1; i < route_set.size(); ++i)
        out.route.push_back(route_set[i].to_string());
    out.route.push_back(NameAddr(remote_target).to_string());
    return out;
}

Result<TransportAddress> next_hop_address(const Uri& uri, TransportKind default_kind) {
    if (uri.scheme() == Uri::Scheme::sip && uri.transport().empty() &&
        default_kind != TransportKind::udp) {
        Uri with = uri;
        with.set_param("transport", default_kind == TransportKind::tcp ? "tcp" : "tls");
        return resolve_target(with);
    }
    return resolve_target(uri);
}

}  // namespace voip::sip
