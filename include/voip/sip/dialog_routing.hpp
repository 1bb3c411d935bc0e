#pragma once
/// @file
/// Pure RFC 3261 §12 helpers of the dialog layer: the remote target from a Contact, the route
/// set from Record-Route, and how an in-dialog request is addressed (§12.2.1.1, loose and
/// strict routing). No I/O (next_hop_address may resolve a host name).

#include <voip/result.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/name_addr.hpp>
#include <voip/sip/transport_address.hpp>
#include <voip/sip/uri.hpp>

#include <string>
#include <vector>

namespace voip::sip {

/// A URI as a Request-URI may carry it (RFC 3261 §19.1.1 table): the `?headers` part and the
/// `method`/`ttl`/`maddr` parameters removed. Display names and header parameters never get
/// here: they belong to the NameAddr around the URI.
[[nodiscard]] Uri request_uri_form(const Uri& uri);

/// The remote target (§12.1.1 / §12.1.2): the URI of the first Contact of @p message, in
/// Request-URI form. Errors: ParseError::missing_header (no Contact), those of the parser.
[[nodiscard]] Result<Uri> remote_target_of(const Message& message);

/// The route set (§12.1.1 / §12.1.2): the Record-Route values of @p message in order for the
/// UAS, reversed for the UAC. Empty when there is none.
[[nodiscard]] Result<std::vector<NameAddr>> route_set_of(const Message& message, bool uac);

/// Where an in-dialog request goes (§12.2.1.1).
struct InDialogRoute {
    Uri request_uri;                 ///< the remote target, or the first route (strict)
    std::vector<std::string> route;  ///< Route header values, in order
    Uri next_hop;                    ///< the URI whose address the request is sent to
};

/// §12.2.1.1: empty route set → Request-URI = remote target, no Route; first route with `lr`
/// (loose) → Request-URI = remote target, Route = the route set; otherwise (strict router) →
/// Request-URI = the first route's URI, Route = the rest followed by the remote target.
/// The next hop is the first route, else the remote target (§8.1.2).
[[nodiscard]] InDialogRoute route_in_dialog(const Uri& remote_target,
                                            const std::vector<NameAddr>& route_set);

/// The transport address of @p uri (RFC 3261 §19.1.2 defaults, numeric hosts or blocking
/// name resolution). A `sip:` URI without a `transport` parameter uses @p default_kind (the
/// transport the dialog runs on) instead of UDP. Errors: those of resolve_target().
[[nodiscard]] Result<TransportAddress> next_hop_address(const Uri& uri, TransportKind default_kind);

}  // namespace voip::sip
