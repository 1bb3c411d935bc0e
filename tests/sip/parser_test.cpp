// Parser errors, limits, and the benchmark corpus (parse → serialize → parse).

#include <voip/sip/parser.hpp>

#include <gtest/gtest.h>

#include <filesystem>

#include "sip/sip_test_util.hpp"

namespace voip::sip {
namespace {

namespace fs = std::filesystem;

const std::string headers =
    "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n"
    "To: <sip:b@example.com>\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "Call-ID: c1@example.com\r\n"
    "CSeq: 1 OPTIONS\r\n";

std::string options(std::string_view extra = {}, std::string_view body = {}) {
    return "OPTIONS sip:b@example.com SIP/2.0\r\n" + headers + std::string(extra) + "\r\n" +
           std::string(body);
}

std::error_code error_of(std::string_view bytes, const ParseLimits& limits = {}) {
    auto r = parse_message(bytes, limits);
    return r ? std::error_code{} : r.error();
}

TEST(Parser, MinimalRequestAndResponse) {
    auto r = parse_message(options());
    ASSERT_TRUE(r.has_value()) << r.error().message();
    ASSERT_TRUE(std::holds_alternative<Request>(*r));
    EXPECT_EQ(std::get<Request>(*r).method_id(), Method::options);
    EXPECT_TRUE(std::get<Request>(*r).body().empty());

    auto s = parse_message("SIP/2.0 200 OK\r\n" + headers + "\r\n");
    ASSERT_TRUE(s.has_value()) << s.error().message();
    ASSERT_TRUE(std::holds_alternative<Response>(*s));
    EXPECT_EQ(std::get<Response>(*s).status_code(), 200);
    EXPECT_EQ(std::get<Response>(*s).reason(), "OK");
    auto no_reason = parse_message("sip/2.0 180\r\n" + headers + "\r\n");
    ASSERT_TRUE(no_reason.has_value()) << no_reason.error().message();
    EXPECT_EQ(std::get<Response>(*no_reason).reason(), "");
}

TEST(Parser, OwnedBuffersAndKinds) {
    std::string bytes = options();
    auto r = Request::parse(std::move(bytes));
    ASSERT_TRUE(r.has_value());
    auto any = parse_message(std::string("SIP/2.0 486 Busy Here\r\n" + headers + "\r\n"));
    ASSERT_TRUE(any.has_value());
    EXPECT_EQ(std::get<Response>(*any).status_code(), 486);
    EXPECT_EQ(Request::parse("SIP/2.0 200 OK\r\n" + headers + "\r\n").error(),
              make_error_code(ParseError::wrong_kind));
    EXPECT_EQ(Response::parse(options()).error(), make_error_code(ParseError::wrong_kind));
    EXPECT_TRUE(Response::parse(std::string("SIP/2.0 200 OK\r\n" + headers + "\r\n")).has_value());
}

TEST(Parser, FoldingBecomesSpaces) {
    auto r = Request::parse(options("Subject: first\r\n\tsecond\r\n  third\r\n"));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->header(HeaderId::subject), "first  \tsecond    third");
}

TEST(Parser, BodyAndContentLength) {
    auto exact = Request::parse(options("Content-Length: 5\r\n", "hello"));
    ASSERT_TRUE(exact.has_value());
    EXPECT_EQ(exact->body(), "hello");
    // RFC 3261 §18.3: octets beyond Content-Length are discarded.
    auto extra = Request::parse(options("Content-Length: 2\r\n", "hello"));
    ASSERT_TRUE(extra.has_value());
    EXPECT_EQ(extra->body(), "he");
    // Without Content-Length (UDP), the body is the rest of the datagram.
    auto rest = Request::parse(options({}, "hello"));
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(rest->body(), "hello");
    EXPECT_EQ(error_of(options("Content-Length: 6\r\n", "hello")),
              make_error_code(ParseError::content_length_mismatch));
}

struct ErrorCase {
    const char* name;
    std::string bytes;
    ParseError error;
};

TEST(Parser, EveryErrorIsNamed) {
    const std::vector<ErrorCase> cases = {
        {"empty", "", ParseError::incomplete},
        {"no line end", "OPTIONS sip:b@example.com SIP/2.0", ParseError::incomplete},
        {"LF only start line", "OPTIONS sip:b@example.com SIP/2.0\n" + headers + "\r\n",
         ParseError::bad_start_line},
        {"two spaces", "OPTIONS  sip:b@example.com SIP/2.0\r\n" + headers + "\r\n",
         ParseError::bad_start_line},
        {"no version", "OPTIONS sip:b@example.com\r\n" + headers + "\r\n",
         ParseError::bad_start_line},
        {"garbage version", "OPTIONS sip:b@example.com HTTP/1.1\r\n" + headers + "\r\n",
         ParseError::bad_start_line},
        {"other version", "OPTIONS sip:b@example.com SIP/3.0\r\n" + headers + "\r\n",
         ParseError::bad_version},
        {"response version", "SIP/1.0 200 OK\r\n" + headers + "\r\n", ParseError::bad_version},
        {"method not token", "OPT:IONS sip:b@example.com SIP/2.0\r\n" + headers + "\r\n",
         ParseError::bad_method},
        {"uri with space", "OPTIONS sip:b@example.com; lr SIP/2.0\r\n" + headers + "\r\n",
         ParseError::bad_request_uri},
        {"uri in brackets", "OPTIONS <sip:b@example.com> SIP/2.0\r\n" + headers + "\r\n",
         ParseError::bad_request_uri},
        {"status 2 digits", "SIP/2.0 20 OK\r\n" + headers + "\r\n", ParseError::bad_status_code},
        {"status 700", "SIP/2.0 700 Hm\r\n" + headers + "\r\n", ParseError::bad_status_code},
        {"status 099", "SIP/2.0 099 Hm\r\n" + headers + "\r\n", ParseError::bad_status_code},
        {"status huge", "SIP/2.0 4294967301 x\r\n" + headers + "\r\n", ParseError::bad_status_code},
        {"no colon", options("Subject first\r\n"), ParseError::bad_header},
        {"bare LF in header", options("Subject: a\nb\r\n"), ParseError::bad_header},
        {"bare CR in header", options("Subject: a\rb\r\n"), ParseError::bad_header},
        {"header name not token", options("Sub ject: x\r\n"), ParseError::bad_header},
        {"empty header name", options(": x\r\n"), ParseError::bad_header_name},
        {"folded first line", "OPTIONS sip:b@example.com SIP/2.0\r\n x\r\n" + headers + "\r\n",
         ParseError::bad_header_name},
        {"no blank line", "OPTIONS sip:b@example.com SIP/2.0\r\n" + headers,
         ParseError::incomplete},
        {"missing Call-ID",
         "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com\r\nTo: "
         "<sip:b@x.example>\r\n"
         "From: <sip:a@x.example>\r\nCSeq: 1 OPTIONS\r\n\r\n",
         ParseError::missing_header},
        {"duplicate To", options("To: <sip:c@example.com>\r\n"), ParseError::duplicate_header},
        {"duplicate Content-Length", options("l: 0\r\nContent-Length: 0\r\n"),
         ParseError::duplicate_header},
        {"negative Content-Length", options("Content-Length: -1\r\n"),
         ParseError::bad_content_length},
        {"huge Content-Length", options("Content-Length: 99999999999\r\n"),
         ParseError::bad_content_length},
        {"CSeq overflow", "OPTIONS sip:b@example.com SIP/2.0\r\nCSeq: 2147483648 OPTIONS\r\n\r\n",
         ParseError::bad_cseq},
        {"CSeq method mismatch", "INVITE sip:b@example.com SIP/2.0\r\n" + headers + "\r\n",
         ParseError::cseq_method_mismatch},
        {"bad Call-ID", options("Call-ID: a b\r\n"), ParseError::duplicate_header},
        {"bad Via", options("Via: SIP/2.0/UDP\r\n"), ParseError::bad_via},
        {"empty Via element",
         options("Via: SIP/2.0/UDP a.example.com,,SIP/2.0/UDP b.example.com\r\n"),
         ParseError::bad_via},
        {"bad Contact", options("Contact: <sip:a@b.example>;;\r\n"), ParseError::bad_name_addr},
        {"bad Contact URI", options("Contact: <sip:a@-b.example>\r\n"), ParseError::bad_uri},
        {"Max-Forwards 256", options("Max-Forwards: 256\r\n"), ParseError::bad_max_forwards},
        {"Max-Forwards text", options("Max-Forwards: many\r\n"), ParseError::bad_max_forwards},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(error_of(c.bytes), make_error_code(c.error))
            << c.name << ": " << error_of(c.bytes).message();
    }
    // Call-ID syntax on its own (the case above trips the duplicate check first).
    std::string bad_call_id =
        "OPTIONS sip:b@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h.example.com\r\nTo: <sip:b@x.example>\r\n"
        "From: <sip:a@x.example>\r\nCall-ID: a b\r\nCSeq: 1 OPTIONS\r\n\r\n";
    EXPECT_EQ(error_of(bad_call_id), make_error_code(ParseError::bad_call_id));
}

TEST(Parser, RouteHeadersAreCheckedWhenRead) {
    // Route and Record-Route are not on the parse path (no RFC 4475 verdict needs them, and
    // speed does); a malformed one surfaces when the dialog layer reads it.
    auto r = Request::parse(options("Route: <sip:a@b.example>, junk\r\nRecord-Route: <sip:x\r\n"));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->routes().error(), make_error_code(ParseError::bad_name_addr));
    EXPECT_EQ(r->record_routes().error(), make_error_code(ParseError::bad_name_addr));
    // A bare CR in them is still refused at parse time.
    EXPECT_EQ(error_of(options("Route: <sip:a@b.example>\rx\r\n")),
              make_error_code(ParseError::bad_header));
}

TEST(Parser, Limits) {
    std::string msg = options({}, std::string(100, 'x'));
    ParseLimits small;
    small.max_message_bytes = msg.size() - 1;
    EXPECT_EQ(error_of(msg, small), make_error_code(ParseError::too_large));
    EXPECT_EQ(Request::parse(msg, small).error(), make_error_code(ParseError::too_large));
    EXPECT_EQ(Response::parse(msg, small).error(), make_error_code(ParseError::too_large));
    small.max_message_bytes = msg.size();
    EXPECT_EQ(error_of(msg, small), std::error_code{});

    ParseLimits few;
    few.max_headers = 5;
    EXPECT_EQ(error_of(options(), few), std::error_code{});
    EXPECT_EQ(error_of(options("Subject: x\r\n"), few),
              make_error_code(ParseError::too_many_headers));
    EXPECT_EQ(error_of(std::string(70000, 'A')), make_error_code(ParseError::too_large));
}

// The six messages of the benchmark: key fields, then parse → serialize → parse.
TEST(Parser, BenchCorpusRoundTrips) {
    const fs::path dir = fs::path(VOIP_SHARED_DIR) / "bench-corpus";
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".sip") continue;
        SCOPED_TRACE(entry.path().filename().string());
        std::string bytes = test::read_file(entry.path());
        auto first = parse_message(bytes);
        ASSERT_TRUE(first.has_value()) << first.error().message();
        const Message& m = test::as_message(*first);
        EXPECT_TRUE(m.branch().starts_with("z9hG4bK"));
        EXPECT_FALSE(m.from_tag().empty());
        EXPECT_FALSE(m.call_id().empty());
        EXPECT_TRUE(m.cseq().has_value());
        // The bench corpus is written canonically, so it serializes back byte for byte.
        EXPECT_EQ(m.to_string(), bytes);
        auto second = parse_message(m.to_string());
        ASSERT_TRUE(second.has_value());
        EXPECT_EQ(test::summary(*second), test::summary(*first));
        ++count;
    }
    EXPECT_EQ(count, 6);
}

TEST(Parser, BenchCorpusKeyFields) {
    const fs::path dir = fs::path(VOIP_SHARED_DIR) / "bench-corpus";
    auto invite = Request::parse(test::read_file(dir / "01_invite.sip"));
    ASSERT_TRUE(invite.has_value());
    EXPECT_EQ(invite->branch(), "z9hG4bK2d4790.1");
    EXPECT_EQ(invite->from_tag(), "9fxced76sl");
    EXPECT_EQ(invite->to_tag(), "");
    EXPECT_EQ(invite->cseq()->number, 314159U);
    EXPECT_EQ(invite->call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
    EXPECT_EQ(invite->contact_uri(), "sip:alice@192.0.2.10:5060;transport=udp;ob");
    EXPECT_EQ(invite->body().size(), 370U);
    auto ok = Response::parse(test::read_file(dir / "02_200ok.sip"));
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->to_tag(), "8321234356");
    EXPECT_EQ(ok->top_via()->received(), "203.0.113.5");
    auto unauthorized = Response::parse(test::read_file(dir / "04_401.sip"));
    ASSERT_TRUE(unauthorized.has_value());
    EXPECT_EQ(unauthorized->www_authenticate().size(), 1U);
    EXPECT_TRUE(
        unauthorized->www_authenticate()[0].starts_with("Digest realm=\"biloxi.example.com\""));
}

}  // namespace
}  // namespace voip::sip
