#include <voip/stun/message.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using namespace voip::stun;
using Bytes = std::vector<std::uint8_t>;

std::error_code code(Error e) {
    return make_error_code(e);
}

const TransactionId rfc5769_id = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                  0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// RFC 5769 §2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME,
// MESSAGE-INTEGRITY, FINGERPRINT).
const Bytes rfc5769_request = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
    0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
    0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
    0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};

// RFC 5769 §2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const Bytes rfc5769_ipv4_response = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// RFC 5769 §2.3: sample IPv6 response, 2001:db8:1234:5678:11:2233:4455:6677 port 32853.
const Bytes rfc5769_ipv6_response = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
    0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
    0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c};

TEST(StunMessage, ParsesRfc5769Request) {
    auto m = MessageView::parse(rfc5769_request);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->method(), static_cast<std::uint16_t>(Method::binding));
    EXPECT_EQ(m->message_class(), Class::request);
    EXPECT_EQ(m->transaction_id(), rfc5769_id);
    EXPECT_TRUE(m->has_fingerprint());  // CRC verified against the RFC's value
    ASSERT_TRUE(m->software());
    EXPECT_EQ(*m->software(), "STUN test client");
    auto user = m->find(attribute::username);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->value.size(), 9U);  // padding excluded
    std::vector<std::uint16_t> types;
    for (const auto& a : *m)
        types.push_back(a.type);
    EXPECT_EQ(types, (std::vector<std::uint16_t>{0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028}));
    // PRIORITY (0x0024, ICE) is comprehension-required and unknown to this codec.
    std::array<std::uint16_t, 4> unknown{};
    ASSERT_EQ(m->unknown_comprehension_required(unknown), 1U);
    EXPECT_EQ(unknown[0], 0x0024);
}

TEST(StunMessage, ParsesRfc5769Ipv4Response) {
    auto m = MessageView::parse(rfc5769_ipv4_response);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->message_class(), Class::success_response);
    EXPECT_EQ(m->type(), 0x0101);
    auto ep = m->xor_mapped_address();
    ASSERT_TRUE(ep) << ep.error().message();
    EXPECT_EQ(ep->address(), asio::ip::make_address("192.0.2.1"));
    EXPECT_EQ(ep->port(), 32853);
    EXPECT_EQ(*m->software(), "test vector");
    EXPECT_EQ(m->mapped_address().error(), code(Error::no_mapped_address));
}

TEST(StunMessage, ParsesRfc5769Ipv6Response) {
    auto m = MessageView::parse(rfc5769_ipv6_response);
    ASSERT_TRUE(m) << m.error().message();
    auto ep = m->xor_mapped_address();
    ASSERT_TRUE(ep) << ep.error().message();
    EXPECT_EQ(ep->address(), asio::ip::make_address("2001:db8:1234:5678:11:2233:4455:6677"));
    EXPECT_EQ(ep->port(), 32853);
}

TEST(StunMessage, BuildsWhatItParses) {
    std::array<std::uint8_t, 256> buf{};
    MessageBuilder b{buf, Method::binding, Class::success_response, rfc5769_id};
    const asio::ip::udp::endpoint v4{asio::ip::make_address("203.0.113.7"), 40000};
    const asio::ip::udp::endpoint v6{asio::ip::make_address("2001:db8::1"), 5060};
    ASSERT_TRUE(b.add_xor_mapped_address(v4));
    ASSERT_TRUE(b.add_mapped_address(v6));
    ASSERT_TRUE(b.add_software("libvoip"));
    auto n = b.finish();
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 20U + 12U + 24U + 12U + 8U);
    EXPECT_EQ(buf[*n - 8], 0x80);  // FINGERPRINT last
    EXPECT_EQ(buf[*n - 7], 0x28);

    auto m = MessageView::parse(std::span(buf.data(), *n));
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_TRUE(m->has_fingerprint());
    EXPECT_EQ(m->transaction_id(), rfc5769_id);
    EXPECT_EQ(m->xor_mapped_address().value(), v4);
    EXPECT_EQ(m->mapped_address().value(), v6);
    EXPECT_EQ(*m->software(), "libvoip");
    std::array<std::uint16_t, 1> none{};
    EXPECT_EQ(m->unknown_comprehension_required(none), 0U);

    // The XORed IPv4 address on the wire is not the plain address (§15.2).
    EXPECT_NE(buf[20 + 8], 203);
}

TEST(StunMessage, XorMappedIpv6RoundTrip) {
    std::array<std::uint8_t, 128> buf{};
    MessageBuilder b{buf, Method::binding, Class::success_response, rfc5769_id};
    const asio::ip::udp::endpoint v6{asio::ip::make_address("2001:db8:1234:5678:11:2233:4455:6677"),
                                     32853};
    ASSERT_TRUE(b.add_software("test vector"));
    ASSERT_TRUE(b.add_xor_mapped_address(v6));
    auto n = b.finish(false);
    ASSERT_TRUE(n);
    auto m = MessageView::parse(std::span(buf.data(), *n));
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->has_fingerprint());
    EXPECT_EQ(m->xor_mapped_address().value(), v6);
    // Same bytes as the RFC 5769 vector's attribute (which pads SOFTWARE with spaces, we use 0).
    EXPECT_TRUE(std::equal(buf.begin() + 36, buf.begin() + 60, rfc5769_ipv6_response.begin() + 36));
}

TEST(StunMessage, ErrorResponseAndUnknownAttributes) {
    std::array<std::uint8_t, 256> buf{};
    MessageBuilder b{buf, Method::binding, Class::error_response, rfc5769_id};
    ASSERT_TRUE(b.add_error_code(420, "Unknown Attribute"));
    const std::array<std::uint16_t, 3> unknown = {0x0024, 0x0025, 0x7777};
    ASSERT_TRUE(b.add_unknown_attributes(unknown));
    auto n = b.finish();
    ASSERT_TRUE(n);
    auto m = MessageView::parse(std::span(buf.data(), *n));
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->message_class(), Class::error_response);
    EXPECT_EQ(m->type(), 0x0111);
    auto e = m->error_code();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 420);
    EXPECT_EQ(e->reason, "Unknown Attribute");
    auto list = m->find(attribute::unknown_attributes);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->value.size(), 6U);
    EXPECT_EQ(list->value[5], 0x77);

    EXPECT_EQ(b.add_software("late").error(), code(Error::value_out_of_range));  // finished
    MessageBuilder c{buf, Method::binding, Class::error_response, rfc5769_id};
    EXPECT_EQ(c.add_error_code(299, "x").error(), code(Error::value_out_of_range));
    EXPECT_EQ(c.add_error_code(700, "x").error(), code(Error::value_out_of_range));
    EXPECT_EQ(c.add_software(std::string(764, 'x')).error(), code(Error::value_out_of_range));
}

TEST(StunMessage, MessageTypeEncoding) {
    // RFC 5389 §6: Binding request 0x0001, success 0x0101, error 0x0111, indication 0x0011.
    EXPECT_EQ(message_type(Method::binding, Class::request), 0x0001);
    EXPECT_EQ(message_type(Method::binding, Class::indication), 0x0011);
    EXPECT_EQ(message_type(Method::binding, Class::success_response), 0x0101);
    EXPECT_EQ(message_type(Method::binding, Class::error_response), 0x0111);
    EXPECT_EQ(message_type(static_cast<Method>(0xFFF), Class::error_response), 0x3FFF);
}

TEST(StunMessage, RejectsMalformedMessages) {
    auto err = [](const Bytes& b) { return MessageView::parse(b).error(); };
    EXPECT_EQ(err({}), code(Error::truncated));
    EXPECT_EQ(err(Bytes(19, 0)), code(Error::truncated));
    Bytes header = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
                    3,    4,    5,    6,    7,    8,    9,    10,   11, 12};
    EXPECT_FALSE(err(header));
    Bytes rtp = header;
    rtp[0] = 0x80;
    EXPECT_EQ(err(rtp), code(Error::not_stun));
    Bytes cookie = header;
    cookie[7] = 0x43;
    EXPECT_EQ(err(cookie), code(Error::bad_magic_cookie));
    Bytes odd = header;
    odd[3] = 2;
    odd.insert(odd.end(), {0, 0});
    EXPECT_EQ(err(odd), code(Error::bad_length));
    Bytes longer = header;
    longer[3] = 8;  // says 8, has 0
    EXPECT_EQ(err(longer), code(Error::bad_length));
    // An attribute whose length runs past the message.
    Bytes attr = header;
    attr[3] = 8;
    attr.insert(attr.end(), {0x80, 0x22, 0x00, 0x09, 'a', 'b', 'c', 'd'});
    EXPECT_EQ(err(attr), code(Error::bad_attribute));
    // FINGERPRINT followed by another attribute.
    Bytes fp = rfc5769_ipv4_response;
    fp[3] = static_cast<std::uint8_t>(fp[3] + 8);
    fp.insert(fp.end(), {0x80, 0x22, 0x00, 0x04, 'a', 'b', 'c', 'd'});
    EXPECT_EQ(err(fp), code(Error::fingerprint_not_last));
    // One flipped bit anywhere before the FINGERPRINT breaks the CRC.
    Bytes flipped = rfc5769_ipv4_response;
    flipped[45] ^= 0x01;
    EXPECT_EQ(err(flipped), code(Error::bad_fingerprint));
    // FINGERPRINT of the wrong size.
    Bytes short_fp = header;
    short_fp[3] = 4;
    short_fp.insert(short_fp.end(), {0x80, 0x28, 0x00, 0x00});
    EXPECT_EQ(err(short_fp), code(Error::bad_attribute));
}

TEST(StunMessage, RejectsMalformedAddresses) {
    auto with_attr = [](std::uint16_t type, Bytes value) {
        Bytes b = {0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
                   3,    4,    5,    6,    7,    8,    9,    10,   11, 12};
        const std::size_t padded = (value.size() + 3) & ~std::size_t{3};
        b[3] = static_cast<std::uint8_t>(4 + padded);
        b.insert(b.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0,
                           static_cast<std::uint8_t>(value.size())});
        b.insert(b.end(), value.begin(), value.end());
        b.resize(20 + 4 + padded, 0);
        return b;
    };
    auto check = [](const Bytes& b) {
        auto m = MessageView::parse(b);
        EXPECT_TRUE(m) << m.error().message();
        return m.value_or(MessageView{});
    };
    // Family 3 does not exist.
    Bytes bad_family = with_attr(attribute::xor_mapped_address, {0, 3, 0, 0, 1, 2, 3, 4});
    EXPECT_EQ(check(bad_family).xor_mapped_address().error(), code(Error::bad_address));
    // IPv4 with 20 bytes.
    Bytes v4_long = with_attr(attribute::mapped_address, Bytes(20, 0));
    v4_long[25] = 1;
    EXPECT_EQ(check(v4_long).mapped_address().error(), code(Error::bad_address));
    // IPv6 with 8 bytes.
    Bytes v6_short = with_attr(attribute::mapped_address, {0, 2, 0, 0, 1, 2, 3, 4});
    EXPECT_EQ(check(v6_short).mapped_address().error(), code(Error::bad_address));
    // Too short for family and port.
    Bytes tiny = with_attr(attribute::xor_mapped_address, {0, 1});
    EXPECT_EQ(check(tiny).xor_mapped_address().error(), code(Error::bad_address));
    // Plain MAPPED-ADDRESS decodes without XOR.
    Bytes plain = with_attr(attribute::mapped_address, {0, 1, 0x13, 0xC4, 10, 0, 0, 1});
    auto ep = check(plain).mapped_address();
    ASSERT_TRUE(ep);
    EXPECT_EQ(ep->address(), asio::ip::make_address("10.0.0.1"));
    EXPECT_EQ(ep->port(), 5060);
    // ERROR-CODE with class 2 is not valid.
    Bytes bad_class = with_attr(attribute::error_code, {0, 0, 2, 0, 'x'});
    EXPECT_FALSE(check(bad_class).error_code());
}

TEST(StunMessage, BuilderReportsSmallBuffers) {
    std::array<std::uint8_t, 10> tiny{};
    MessageBuilder a{tiny, Method::binding, Class::request, rfc5769_id};
    EXPECT_EQ(a.add_software("x").error(), code(Error::buffer_too_small));
    EXPECT_EQ(a.finish().error(), code(Error::buffer_too_small));
    std::array<std::uint8_t, 24> exact{};
    MessageBuilder b{exact, Method::binding, Class::request, rfc5769_id};
    EXPECT_EQ(b.add_software("x").error(), code(Error::buffer_too_small));  // needs 8
    EXPECT_EQ(b.finish().error(), code(Error::buffer_too_small));           // FINGERPRINT 8
    MessageBuilder c{exact, Method::binding, Class::request, rfc5769_id};
    auto n = c.finish(false);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 20U);
    EXPECT_STREQ(code(Error::timed_out).category().name(), "voip.stun");
}

}  // namespace
