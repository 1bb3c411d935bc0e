#include <voip/sip/framing.hpp>
#include <voip/sip/parser.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "sip/sip_test_util.hpp"

namespace voip::sip {
namespace {

using Kind = StreamFramer::FrameKind;

std::string message(std::string_view body, std::string_view call_id = "c1") {
    return "MESSAGE sip:b@example.com SIP/2.0\r\n"
           "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
           "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
           "Call-ID: " +
           std::string(call_id) +
           "\r\nCSeq: 1 MESSAGE\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Drain every frame currently available; fails the test on an error.
std::vector<StreamFramer::Frame> drain(StreamFramer& framer) {
    std::vector<StreamFramer::Frame> out;
    for (int i = 0; i < 1000; ++i) {
        auto next = framer.next();
        EXPECT_TRUE(next.has_value()) << next.error().message();
        if (!next || !next->has_value()) break;
        out.push_back(std::move(**next));
    }
    return out;
}

TEST(StreamFramer, WholeMessagesInOneChunk) {
    StreamFramer framer;
    std::string a = message("hello", "c1");
    std::string b = message("", "c2");
    ASSERT_TRUE(framer.feed(a + b).has_value());
    auto frames = drain(framer);
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(frames[0].kind, Kind::message);
    EXPECT_EQ(frames[0].bytes, a);
    EXPECT_EQ(frames[1].bytes, b);
    EXPECT_EQ(framer.buffered(), 0U);
    auto parsed = Request::parse(std::move(frames[0].bytes));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->body(), "hello");
}

TEST(StreamFramer, ByteByByte) {
    StreamFramer framer({}, StreamFramer::KeepAliveRole::server);
    std::string stream = message("body one", "c1") + "\r\n\r\n" + message("2", "c2") + "\r\n";
    std::vector<StreamFramer::Frame> frames;
    for (char c : stream) {
        ASSERT_TRUE(framer.feed(std::string_view(&c, 1)).has_value());
        for (auto& f : drain(framer))
            frames.push_back(std::move(f));
    }
    // The ping split over four reads is still one ping; the server holds the final lone CRLF
    // until more bytes show whether it starts a ping.
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(frames[0].bytes, message("body one", "c1"));
    EXPECT_EQ(frames[1].kind, Kind::ping);
    EXPECT_EQ(frames[2].bytes, message("2", "c2"));
    EXPECT_EQ(framer.buffered(), 2U);
}

TEST(StreamFramer, KeepAlives) {
    // RFC 5626 §4.4.1: CRLFCRLF is a ping, a lone CRLF a pong.
    StreamFramer framer;
    ASSERT_TRUE(framer.feed("\r\n\r\n").has_value());
    auto frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].kind, Kind::ping);
    EXPECT_TRUE(frames[0].bytes.empty());

    ASSERT_TRUE(framer.feed("\r\n").has_value());
    frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].kind, Kind::pong);

    // "\r\n\r" may still become a ping: wait.
    ASSERT_TRUE(framer.feed("\r\n\r").has_value());
    EXPECT_TRUE(drain(framer).empty());
    ASSERT_TRUE(framer.feed("\n").has_value());
    frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].kind, Kind::ping);

    // A pong right before a message.
    ASSERT_TRUE(framer.feed("\r\n" + message("x")).has_value());
    frames = drain(framer);
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(frames[0].kind, Kind::pong);
    EXPECT_EQ(frames[1].kind, Kind::message);
}

TEST(StreamFramer, SplitPingOnTheClientSideReadsAsPongs) {
    // Documented trade-off: the client reports a trailing CRLF at once.
    StreamFramer framer;
    ASSERT_TRUE(framer.feed("\r\n").has_value());
    auto frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].kind, Kind::pong);
    StreamFramer server({}, StreamFramer::KeepAliveRole::server);
    ASSERT_TRUE(server.feed("\r\n").has_value());
    EXPECT_TRUE(drain(server).empty());
    ASSERT_TRUE(server.feed("INVITE").has_value());
    frames = drain(server);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].kind, Kind::pong);
}

TEST(StreamFramer, WaitsForTheBody) {
    StreamFramer framer;
    std::string m = message("0123456789");
    ASSERT_TRUE(framer.feed(m.substr(0, m.size() - 3)).has_value());
    EXPECT_TRUE(drain(framer).empty());
    EXPECT_EQ(framer.buffered(), m.size() - 3);
    ASSERT_TRUE(framer.feed(m.substr(m.size() - 3)).has_value());
    auto frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].bytes, m);
}

TEST(StreamFramer, CompactContentLength) {
    StreamFramer framer;
    std::string m = "SIP/2.0 200 OK\r\nl: 3\r\n\r\nabc";
    ASSERT_TRUE(framer.feed(m).has_value());
    auto frames = drain(framer);
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(frames[0].bytes, m);
}

void expect_failure(std::string_view bytes, ParseError expected, const ParseLimits& limits = {}) {
    StreamFramer framer(limits);
    auto fed = framer.feed(bytes);
    std::error_code ec = fed ? std::error_code{} : fed.error();
    for (int i = 0; i < 10 && !ec; ++i) {
        auto next = framer.next();
        if (!next) {
            ec = next.error();
        } else if (!next->has_value()) {
            break;
        }
    }
    EXPECT_EQ(ec, make_error_code(expected)) << bytes.substr(0, 40);
    // Sticky: the framer refuses everything afterwards.
    EXPECT_FALSE(framer.feed("\r\n").has_value());
    EXPECT_FALSE(framer.next().has_value());
    EXPECT_EQ(framer.buffered(), 0U);
}

TEST(StreamFramer, Errors) {
    expect_failure("\r\x01", ParseError::bad_framing);
    expect_failure("hello world\r\n", ParseError::bad_framing);
    expect_failure("GET / HTTP/1.1\r\n", ParseError::bad_framing);
    expect_failure(" INVITE sip:a@b SIP/2.0\r\n", ParseError::bad_framing);
    expect_failure("junk\n", ParseError::bad_framing);
    expect_failure("OPTIONS sip:a@b.example SIP/2.0\r\nVia: x\r\n\r\n",
                   ParseError::missing_content_length);
    expect_failure("OPTIONS sip:a@b.example SIP/2.0\r\nContent-Length: x\r\n\r\n",
                   ParseError::bad_content_length);
    expect_failure("OPTIONS sip:a@b.example SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab",
                   ParseError::bad_content_length);
    ParseLimits small;
    small.max_message_bytes = 200;
    expect_failure(message(std::string(300, 'x')), ParseError::too_large, small);
    // Headers that never end are not buffered forever.
    expect_failure("OPTIONS sip:a@b.example SIP/2.0\r\n" + std::string(250, 'a'),
                   ParseError::too_large, small);
    // Feeding far more than can ever be framed.
    expect_failure(std::string(1000, '\r'), ParseError::too_large, small);
}

TEST(StreamFramer, BenchCorpusConcatenated) {
    namespace fs = std::filesystem;
    std::string stream;
    std::vector<std::string> expected;
    for (const char* name : {"01_invite.sip", "02_200ok.sip", "03_register.sip", "04_401.sip",
                             "05_bye.sip", "06_ack.sip"}) {
        expected.push_back(test::read_file(fs::path(VOIP_SHARED_DIR) / "bench-corpus" / name));
        stream += expected.back();
    }
    StreamFramer framer;
    std::vector<StreamFramer::Frame> frames;
    for (std::size_t i = 0; i < stream.size(); i += 97) {
        ASSERT_TRUE(framer.feed(std::string_view(stream).substr(i, 97)).has_value());
        for (auto& f : drain(framer))
            frames.push_back(std::move(f));
    }
    ASSERT_EQ(frames.size(), expected.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(frames[i].bytes, expected[i]);
        EXPECT_TRUE(parse_message(frames[i].bytes).has_value());
    }
}

}  // namespace
}  // namespace voip::sip
