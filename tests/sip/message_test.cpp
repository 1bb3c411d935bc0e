#include <voip/sip/message.hpp>
#include <voip/sip/parser.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace voip::sip {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view invite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKtop, SIP/2.0/TCP "
    "192.0.2.1:5070;branch=z9hG4bK2;received=192.0.2.9;rport=5071\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK3;rport\r\n"
    "Max-Forwards: 69\r\n"
    "f: \"Alice\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
    "t: Bob <sip:bob@biloxi.example.com>\r\n"
    "i: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "m: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600, \"Second\" "
    "<sip:alice@198.51.100.1>;q=0.5\r\n"
    "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
    "Record-Route: <sip:rr.example.com;lr>\r\n"
    "Allow: INVITE, ACK, CANCEL,\r\n BYE\r\n"
    "k: replaces, timer\r\n"
    "Require: 100rel\r\n"
    "Proxy-Require: sec-agree\r\n"
    "Unsupported: foo\r\n"
    "Expires: 120\r\n"
    "WWW-Authenticate: Digest realm=\"a\", nonce=\"b\"\r\n"
    "Proxy-Authenticate: Digest realm=\"p\", nonce=\"q\"\r\n"
    "Authorization: Digest username=\"u\", realm=\"a\"\r\n"
    "Proxy-Authorization: Digest username=\"v\", realm=\"p\"\r\n"
    "X-Custom: one\r\n"
    "x-custom: two\r\n"
    "c: application/sdp\r\n"
    "l: 4\r\n"
    "\r\n"
    "v=0\r\n";

Request parsed() {
    auto r = Request::parse(invite);
    if (!r) throw std::runtime_error(r.error().message());
    return std::move(r).value();
}

TEST(Message, StartLineAndRawHeaders) {
    Request r = parsed();
    EXPECT_TRUE(r.is_request());
    EXPECT_EQ(r.method(), "INVITE");
    EXPECT_EQ(r.method_id(), Method::invite);
    EXPECT_EQ(r.request_uri_text(), "sip:bob@biloxi.example.com");
    EXPECT_EQ(r.request_uri()->user(), "bob");
    EXPECT_EQ(r.header_count(), 24U);
    HeaderField first = r.header_at(0);
    EXPECT_EQ(first.id, HeaderId::via);
    EXPECT_EQ(first.name, "Via");  // compact form read, canonical name reported
    EXPECT_THROW((void)r.header_at(99), std::out_of_range);
    EXPECT_EQ(r.header("Call-ID"), "a84b4c76e66710@pc33.atlanta.example.com");
    EXPECT_EQ(r.header("i"), r.header(HeaderId::call_id));
    EXPECT_EQ(r.header("x-CUSTOM"), "one");
    EXPECT_THAT(r.header_values("X-Custom"), ElementsAre("one", "two"));
    EXPECT_FALSE(r.header("Nope").has_value());
    EXPECT_FALSE(r.header(HeaderId::subject).has_value());
    EXPECT_EQ(r.count(HeaderId::via), 2U);
    EXPECT_EQ(r.body(), "v=0\r");
}

TEST(Message, TypedAccessors) {
    Request r = parsed();
    auto vias = r.vias().value();
    ASSERT_EQ(vias.size(), 3U);
    EXPECT_EQ(vias[0].branch(), "z9hG4bKtop");
    EXPECT_EQ(vias[1].transport, "TCP");
    EXPECT_EQ(vias[1].port, 5070);
    EXPECT_EQ(vias[1].received(), "192.0.2.9");
    EXPECT_EQ(vias[1].rport(), 5071);
    EXPECT_TRUE(vias[2].has_rport());
    EXPECT_EQ(r.top_via()->host, "proxy.example.com");
    EXPECT_EQ(r.branch(), "z9hG4bKtop");
    EXPECT_EQ(r.cseq()->number, 314159U);
    EXPECT_EQ(r.cseq()->method, "INVITE");
    EXPECT_EQ(r.call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
    EXPECT_EQ(r.from()->display_name(), "Alice");
    EXPECT_EQ(r.from_tag(), "9fxced76sl");
    EXPECT_EQ(r.to()->display_name(), "Bob");
    EXPECT_EQ(r.to_tag(), "");
    EXPECT_FALSE(r.contact_is_star());
    auto contacts = r.contacts().value();
    ASSERT_EQ(contacts.size(), 2U);
    EXPECT_EQ(contacts[0].expires(), 3600U);
    EXPECT_EQ(contacts[1].display_name(), "Second");
    EXPECT_EQ(contacts[1].param("q"), "0.5");
    EXPECT_EQ(r.contact_uri(), "sip:alice@192.0.2.10:5060;transport=udp");
    EXPECT_EQ(r.max_forwards(), 69U);
    EXPECT_EQ(r.expires(), 120U);
    EXPECT_EQ(r.content_length(), 4U);
    EXPECT_EQ(r.content_type(), "application/sdp");
    auto routes = r.routes().value();
    ASSERT_EQ(routes.size(), 2U);
    EXPECT_EQ(routes[1].uri().host(), "p2.example.com");
    EXPECT_EQ(r.record_routes()->at(0).uri().host(), "rr.example.com");
    EXPECT_THAT(r.allow(), ElementsAre("INVITE", "ACK", "CANCEL", "BYE"));
    EXPECT_THAT(r.supported(), ElementsAre("replaces", "timer"));
    EXPECT_THAT(r.require(), ElementsAre("100rel"));
    EXPECT_THAT(r.proxy_require(), ElementsAre("sec-agree"));
    EXPECT_THAT(r.unsupported(), ElementsAre("foo"));
    EXPECT_THAT(r.www_authenticate(), ElementsAre("Digest realm=\"a\", nonce=\"b\""));
    EXPECT_THAT(r.proxy_authenticate(), ElementsAre("Digest realm=\"p\", nonce=\"q\""));
    EXPECT_THAT(r.authorization(), ElementsAre("Digest username=\"u\", realm=\"a\""));
    EXPECT_THAT(r.proxy_authorization(), ElementsAre("Digest username=\"v\", realm=\"p\""));
}

TEST(Message, AccessorsOnMissingHeaders) {
    Request r(Method::options, Uri::parse("sip:a@b.example").value());
    EXPECT_EQ(r.top_via().error(), make_error_code(ParseError::missing_header));
    EXPECT_TRUE(r.vias()->empty());
    EXPECT_EQ(r.branch(), "");
    EXPECT_EQ(r.cseq().error(), make_error_code(ParseError::missing_header));
    EXPECT_EQ(r.call_id(), "");
    EXPECT_EQ(r.from().error(), make_error_code(ParseError::missing_header));
    EXPECT_EQ(r.to().error(), make_error_code(ParseError::missing_header));
    EXPECT_EQ(r.from_tag(), "");
    EXPECT_FALSE(r.contact_uri().has_value());
    EXPECT_TRUE(r.contacts()->empty());
    EXPECT_FALSE(r.max_forwards().has_value());
    EXPECT_FALSE(r.expires().has_value());
    EXPECT_FALSE(r.content_length().has_value());
    EXPECT_EQ(r.content_type(), "");
    EXPECT_TRUE(r.allow().empty());
}

TEST(Message, ContactStar) {
    auto r = Request::parse(
        "REGISTER sip:registrar.example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nTo: <sip:a@example.com>\r\n"
        "From: <sip:a@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\n"
        "Contact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n");
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_TRUE(r->contact_is_star());
    EXPECT_TRUE(r->contacts()->empty());
    EXPECT_FALSE(r->contact_uri().has_value());
    EXPECT_EQ(r->expires(), 0U);
}

TEST(Message, EditsKeepOrderAndInvalidateCachedFields) {
    Request r = parsed();
    r.set_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>;tag=new");
    EXPECT_EQ(r.to_tag(), "new");
    r.prepend_header(HeaderId::via, "SIP/2.0/TCP me.example.com;branch=z9hG4bKmine");
    EXPECT_EQ(r.branch(), "z9hG4bKmine");
    EXPECT_EQ(r.header_at(0).value, "SIP/2.0/TCP me.example.com;branch=z9hG4bKmine");
    EXPECT_EQ(r.vias()->size(), 4U);
    // Pop values one at a time: a line with two values keeps the second.
    EXPECT_TRUE(r.remove_first_value(HeaderId::via));
    EXPECT_EQ(r.branch(), "z9hG4bKtop");
    EXPECT_TRUE(r.remove_first_value(HeaderId::via));
    EXPECT_EQ(r.branch(), "z9hG4bK2");
    EXPECT_EQ(r.count(HeaderId::via), 2U);
    EXPECT_TRUE(r.remove_first_value(HeaderId::via));
    EXPECT_EQ(r.branch(), "z9hG4bK3");
    EXPECT_FALSE(r.remove_first_value(HeaderId::subject));
    EXPECT_EQ(r.remove_header("x-custom"), 2U);
    EXPECT_EQ(r.remove_header(HeaderId::route), 1U);
    EXPECT_EQ(r.remove_header(HeaderId::route), 0U);
    r.set_header("X-New", "a");
    r.set_header("X-New", "b");
    EXPECT_THAT(r.header_values("X-New"), ElementsAre("b"));
    r.add_header("Subject", "  padded  ");
    EXPECT_EQ(r.header(HeaderId::subject), "padded");
    r.set_header(HeaderId::contact, "<sip:new@example.com>");
    EXPECT_EQ(r.contact_uri(), "sip:new@example.com");
    r.set_header(HeaderId::cseq, "7 INVITE");
    EXPECT_EQ(r.cseq()->number, 7U);
    r.set_header(HeaderId::from, "<sip:x@example.com>;tag=zz");
    EXPECT_EQ(r.from_tag(), "zz");
    EXPECT_THROW(r.add_header("Bad Name", "x"), std::invalid_argument);
    EXPECT_THROW(r.add_header("X", "a\r\nInjected: yes"), std::invalid_argument);
    EXPECT_THROW(r.set_header(HeaderId::to, "a\nb"), std::invalid_argument);
    r.set_request_uri(Uri::parse("sip:carol@chicago.example.com").value());
    EXPECT_EQ(r.request_uri_text(), "sip:carol@chicago.example.com");
}

TEST(Message, SerializeWritesCanonicalNamesAndRealContentLength) {
    Request r = parsed();
    std::string wire = r.to_string();
    EXPECT_TRUE(wire.starts_with("INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: "));
    EXPECT_NE(wire.find("\r\nCall-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"),
              std::string::npos);
    EXPECT_NE(wire.find("\r\nContact: <sip:alice@"), std::string::npos);
    EXPECT_NE(wire.find("\r\nContent-Length: 4\r\n\r\nv=0\r"), std::string::npos);
    EXPECT_NE(wire.find("\r\nAllow: INVITE, ACK, CANCEL,   BYE\r\n"),
              std::string::npos);  // unfolded
    EXPECT_EQ(wire.find("\r\ni: "), std::string::npos);
    std::string appended = "prefix";
    r.serialize_to(appended);
    EXPECT_EQ(appended, "prefix" + wire);

    r.set_body("hello", "text/plain");
    auto again = Request::parse(r.to_string()).value();
    EXPECT_EQ(again.body(), "hello");
    EXPECT_EQ(again.content_length(), 5U);
    EXPECT_EQ(again.content_type(), "text/plain");
    EXPECT_EQ(again.count(HeaderId::content_length), 1U);
}

TEST(Message, BuildRequestFromScratch) {
    Request r(Method::register_, Uri::parse("sip:registrar.example.com").value());
    r.add_header(HeaderId::via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnew;rport");
    r.add_header(HeaderId::max_forwards, "70");
    r.add_header(HeaderId::from, "<sip:bob@example.com>;tag=a1");
    r.add_header(HeaderId::to, "<sip:bob@example.com>");
    r.add_header(HeaderId::call_id, "abc@192.0.2.10");
    r.add_header(HeaderId::cseq, "1 REGISTER");
    r.add_header("Contact", "<sip:bob@192.0.2.10:5060>");
    std::string wire = r.to_string();
    EXPECT_TRUE(wire.ends_with("Contact: <sip:bob@192.0.2.10:5060>\r\nContent-Length: 0\r\n\r\n"));
    auto back = Request::parse(wire);
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(back->method_id(), Method::register_);
    EXPECT_EQ(back->branch(), "z9hG4bKnew");
    EXPECT_EQ(back->from_tag(), "a1");
    EXPECT_EQ(back->cseq()->number, 1U);
    EXPECT_EQ(back->contact_uri(), "sip:bob@192.0.2.10:5060");

    Request custom("FOO", Uri::parse("sip:x.example").value());
    EXPECT_EQ(custom.method(), "FOO");
    EXPECT_EQ(custom.method_id(), Method::other);
    EXPECT_THROW(Request("BAD METHOD", Uri::parse("sip:x.example").value()), std::invalid_argument);
    EXPECT_THROW(Request(Method::invite, Uri{}), std::invalid_argument);
}

TEST(Message, ResponseForRequestCopiesRfc3261Headers) {
    Request req = parsed();
    req.add_header(HeaderId::timestamp, "54");
    Response res = Response::make_for(req, 180, {}, "totag1");
    EXPECT_FALSE(res.is_request());
    EXPECT_EQ(res.status_code(), 180);
    EXPECT_EQ(res.reason(), "Ringing");
    EXPECT_EQ(res.vias()->size(), 3U);
    EXPECT_EQ(res.branch(), "z9hG4bKtop");
    EXPECT_EQ(res.from_tag(), "9fxced76sl");
    EXPECT_EQ(res.to_tag(), "totag1");
    EXPECT_EQ(res.call_id(), req.call_id());
    EXPECT_EQ(res.cseq()->number, 314159U);
    EXPECT_FALSE(res.header(HeaderId::contact).has_value());
    EXPECT_FALSE(res.header(HeaderId::timestamp).has_value());
    EXPECT_EQ(Response::make_for(req, 100).header(HeaderId::timestamp), "54");

    auto wire = res.to_string();
    EXPECT_TRUE(wire.starts_with("SIP/2.0 180 Ringing\r\nVia: "));
    auto back = Response::parse(wire);
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(back->to_tag(), "totag1");
    EXPECT_EQ(back->status_code(), 180);

    // An existing To tag is kept.
    req.set_header(HeaderId::to, "<sip:bob@biloxi.example.com>;tag=have");
    EXPECT_EQ(Response::make_for(req, 200, "Fine", "other").to_tag(), "have");
    EXPECT_EQ(Response::make_for(req, 200, "Fine").reason(), "Fine");
}

TEST(Message, ResponseConstruction) {
    EXPECT_EQ(Response(404).reason(), "Not Found");
    EXPECT_EQ(Response(499).reason(), "");
    EXPECT_EQ(Response(200, "Okay").reason(), "Okay");
    EXPECT_THROW(Response(99), std::invalid_argument);
    EXPECT_THROW(Response(700), std::invalid_argument);
    EXPECT_THROW(Response(200, "a\r\nb"), std::invalid_argument);
}

TEST(Message, MethodNames) {
    for (Method m :
         {Method::invite, Method::ack, Method::bye, Method::cancel, Method::options,
          Method::register_, Method::prack, Method::subscribe, Method::notify, Method::publish,
          Method::info, Method::refer, Method::message, Method::update}) {
        EXPECT_EQ(method_from(to_string(m)), m);
    }
    EXPECT_EQ(to_string(Method::other), "");
    EXPECT_EQ(method_from("invite"), Method::other);  // RFC 3261 §7.1: case-sensitive
    EXPECT_EQ(default_reason(200), "OK");
    EXPECT_EQ(default_reason(505), "Version Not Supported");
    EXPECT_EQ(default_reason(299), "");
}

}  // namespace
}  // namespace voip::sip
