// RFC 3261 §12 routing helpers: remote target, route set, §12.2.1.1 request addressing.

#include <voip/sip/dialog_routing.hpp>

#include <gtest/gtest.h>

namespace voip::sip {
namespace {

Response response_with(std::string_view headers) {
    std::string text =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
        "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c\r\n"
        "CSeq: 1 INVITE\r\n";
    text += headers;
    text += "Content-Length: 0\r\n\r\n";
    return Response::parse(text).value();
}

TEST(DialogRouting, RemoteTargetDropsDisplayNameAndHeaderParams) {
    auto r = response_with(
        "Contact: \"Bob Smith\" <sip:bob@192.0.2.4:5070;transport=tcp?X=1>"
        ";expires=60;q=0.5\r\n");
    auto target = remote_target_of(r);
    ASSERT_TRUE(target) << target.error().message();
    EXPECT_EQ(target->to_string(), "sip:bob@192.0.2.4:5070;transport=tcp");
}

TEST(DialogRouting, RemoteTargetStripsMaddrAndMethod) {
    auto r = response_with("Contact: <sip:bob@192.0.2.4;maddr=239.1.1.1;method=INVITE;lr>\r\n");
    auto target = remote_target_of(r);
    ASSERT_TRUE(target);
    EXPECT_EQ(target->to_string(), "sip:bob@192.0.2.4;lr");
}

TEST(DialogRouting, MissingContactIsAnError) {
    auto r = response_with("");
    EXPECT_EQ(remote_target_of(r).error(), make_error_code(ParseError::missing_header));
}

TEST(DialogRouting, RouteSetReversedForTheUac) {
    auto r = response_with(
        "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
        "Record-Route: <sip:p3.example.com;lr>\r\n");
    auto uac = route_set_of(r, true);
    auto uas = route_set_of(r, false);
    ASSERT_TRUE(uac);
    ASSERT_TRUE(uas);
    ASSERT_EQ(uac->size(), 3U);
    EXPECT_EQ(uac->front().uri().host(), "p3.example.com");
    EXPECT_EQ(uac->back().uri().host(), "p1.example.com");
    EXPECT_EQ(uas->front().uri().host(), "p1.example.com");
}

TEST(DialogRouting, NoRouteSetTargetsTheRemoteTarget) {
    const Uri target = Uri::parse("sip:bob@192.0.2.4:5070").value();
    auto route = route_in_dialog(target, {});
    EXPECT_EQ(route.request_uri.to_string(), "sip:bob@192.0.2.4:5070");
    EXPECT_TRUE(route.route.empty());
    EXPECT_EQ(route.next_hop.to_string(), target.to_string());
}

TEST(DialogRouting, LooseRouterKeepsTheTargetInTheRequestUri) {
    const Uri target = Uri::parse("sip:bob@192.0.2.4").value();
    std::vector<NameAddr> set{NameAddr::parse("<sip:proxy1.example.com;lr>").value(),
                              NameAddr::parse("<sip:proxy2.example.com;lr>").value()};
    auto route = route_in_dialog(target, set);
    EXPECT_EQ(route.request_uri.to_string(), "sip:bob@192.0.2.4");
    ASSERT_EQ(route.route.size(), 2U);
    EXPECT_EQ(route.route[0], "<sip:proxy1.example.com;lr>");
    EXPECT_EQ(route.next_hop.host(), "proxy1.example.com");
}

TEST(DialogRouting, StrictRouterGetsTheRequestUriAndTheTargetGoesLast) {
    const Uri target = Uri::parse("sip:bob@192.0.2.4").value();
    std::vector<NameAddr> set{NameAddr::parse("<sip:strict.example.com;maddr=10.0.0.1>").value(),
                              NameAddr::parse("<sip:loose.example.com;lr>").value()};
    auto route = route_in_dialog(target, set);
    EXPECT_EQ(route.request_uri.to_string(), "sip:strict.example.com");
    ASSERT_EQ(route.route.size(), 2U);
    EXPECT_EQ(route.route[0], "<sip:loose.example.com;lr>");
    EXPECT_EQ(route.route[1], "<sip:bob@192.0.2.4>");
    EXPECT_EQ(route.next_hop.host(), "strict.example.com");
}

TEST(DialogRouting, NextHopUsesTheDialogTransportWithoutATransportParam) {
    auto tcp = next_hop_address(Uri::parse("sip:bob@127.0.0.1:5070").value(), TransportKind::tcp);
    ASSERT_TRUE(tcp);
    EXPECT_EQ(tcp->kind, TransportKind::tcp);
    EXPECT_EQ(tcp->port, 5070);
    auto udp =
        next_hop_address(Uri::parse("sip:bob@127.0.0.1;transport=udp").value(), TransportKind::tcp);
    ASSERT_TRUE(udp);
    EXPECT_EQ(udp->kind, TransportKind::udp);
    EXPECT_EQ(udp->port, 5060);
}

}  // namespace
}  // namespace voip::sip
