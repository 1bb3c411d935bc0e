#include <voip/rtp/packet.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using voip::rtp::Error;
using voip::rtp::HeaderExtension;
using voip::rtp::Packet;
using voip::rtp::PacketView;

std::error_code code(Error e) {
    return make_error_code(e);
}

// A hand-assembled packet: V=2, P=0, X=0, CC=0, M=1, PT=8, seq 0x1234, ts 0xDEADBEEF, SSRC
// 0x01020304.
const std::vector<std::uint8_t> minimal = {0x80, 0x88, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF,
                                           0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB, 0xCC};

TEST(RtpPacket, ParsesFixedHeaderFields) {
    auto v = PacketView::parse(minimal);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v->version(), 2);
    EXPECT_FALSE(v->has_padding());
    EXPECT_FALSE(v->has_extension());
    EXPECT_EQ(v->csrc_count(), 0U);
    EXPECT_TRUE(v->marker());
    EXPECT_EQ(v->payload_type(), 8);
    EXPECT_EQ(v->sequence(), 0x1234);
    EXPECT_EQ(v->timestamp(), 0xDEADBEEFU);
    EXPECT_EQ(v->ssrc(), 0x01020304U);
    EXPECT_EQ(v->header_size(), 12U);
    ASSERT_EQ(v->payload().size(), 3U);
    EXPECT_EQ(v->payload()[0], 0xAA);
    EXPECT_EQ(v->payload().data(), minimal.data() + 12);  // zero-copy
    EXPECT_EQ(v->padding_size(), 0U);
    EXPECT_FALSE(v->extension());
}

TEST(RtpPacket, ParsesCsrcsExtensionAndPadding) {
    const std::vector<std::uint8_t> bytes = {
        0xB2, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,  // P X CC=2
        0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,                          // CSRCs
        0xBE, 0xDE, 0x00, 0x01, 0x11, 0x7F, 0x00, 0x00,                          // ext, 1 word
        0x55, 0x66,                                                              // payload
        0x00, 0x00, 0x03};                                                       // padding 3
    auto v = PacketView::parse(bytes);
    ASSERT_TRUE(v) << v.error().message();
    EXPECT_EQ(v->csrc_count(), 2U);
    EXPECT_EQ(v->csrc(0), 0x11111111U);
    EXPECT_EQ(v->csrc(1), 0x22222222U);
    auto ext = v->extension();
    ASSERT_TRUE(ext);
    EXPECT_EQ(ext->profile, 0xBEDE);
    EXPECT_EQ(ext->data.size(), 4U);
    EXPECT_EQ(v->header_size(), 28U);
    ASSERT_EQ(v->payload().size(), 2U);
    EXPECT_EQ(v->payload()[1], 0x66);
    EXPECT_EQ(v->padding_size(), 3U);

    // RFC 8285 one-byte element: ID 1, length 2 (L=1), value 0x7F 0x00, then padding.
    std::array<voip::rtp::ExtensionElement, 4> elements{};
    auto n = voip::rtp::parse_extension_elements(*ext, elements);
    ASSERT_TRUE(n);
    ASSERT_EQ(*n, 1U);
    EXPECT_EQ(elements[0].id, 1);
    ASSERT_EQ(elements[0].data.size(), 2U);
    EXPECT_EQ(elements[0].data[0], 0x7F);
    auto found = voip::rtp::find_extension_element(*ext, 1);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->size(), 2U);
    EXPECT_FALSE(voip::rtp::find_extension_element(*ext, 2));
}

TEST(RtpPacket, ParsesTwoByteExtensionElements) {
    const std::array<std::uint8_t, 8> body = {0x05, 0x03, 0x01, 0x02, 0x03, 0x00, 0x09, 0x00};
    HeaderExtension ext{0x1000, body};
    std::array<voip::rtp::ExtensionElement, 4> elements{};
    auto n = voip::rtp::parse_extension_elements(ext, elements);
    ASSERT_TRUE(n) << n.error().message();
    ASSERT_EQ(*n, 2U);
    EXPECT_EQ(elements[0].id, 5);
    EXPECT_EQ(elements[0].data.size(), 3U);
    EXPECT_EQ(elements[1].id, 9);
    EXPECT_TRUE(elements[1].data.empty());  // two-byte form allows zero-length values

    const std::array<std::uint8_t, 4> overrun = {0x05, 0x09, 0x01, 0x02};
    EXPECT_EQ(voip::rtp::parse_extension_elements({0x1000, overrun}, elements).error(),
              code(Error::bad_extension_element));
    EXPECT_EQ(voip::rtp::parse_extension_elements({0x1234, overrun}, elements).error(),
              code(Error::bad_extension_element));
}

TEST(RtpPacket, RejectsMalformedInputWithSpecificErrors) {
    auto err = [](std::vector<std::uint8_t> b) { return PacketView::parse(b).error(); };
    EXPECT_EQ(err({}), code(Error::truncated));
    EXPECT_EQ(err({0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), code(Error::truncated));
    EXPECT_EQ(err({0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), code(Error::bad_version));
    EXPECT_EQ(err({0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), code(Error::bad_version));
    // CC=1 but no room for the CSRC.
    EXPECT_EQ(err({0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}), code(Error::csrc_past_end));
    // X set but the extension header is cut.
    EXPECT_EQ(err({0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE}),
              code(Error::extension_past_end));
    // X set, extension says 2 words but only 1 follows.
    EXPECT_EQ(err({0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 2, 1, 2, 3, 4}),
              code(Error::extension_past_end));
    // P set, padding count 0.
    EXPECT_EQ(err({0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}), code(Error::bad_padding));
    // P set, padding count larger than what follows the header.
    EXPECT_EQ(err({0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3}), code(Error::bad_padding));
    // P set with no byte after the header at all: the count byte would be header.
    EXPECT_EQ(err({0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), code(Error::bad_padding));
    // Padding exactly filling the payload is valid: empty payload.
    auto ok =
        PacketView::parse(std::vector<std::uint8_t>{0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->payload().empty());
}

TEST(RtpPacket, SerializesAndRoundTrips) {
    const std::array<std::uint8_t, 4> payload = {9, 8, 7, 6};
    const std::array<std::uint8_t, 8> ext_body = {0x10, 0xAB, 0, 0, 0x21, 1, 2, 0};
    Packet p;
    p.marker = true;
    p.payload_type = 111;
    p.sequence = 65535;
    p.timestamp = 0xFFFFFFF0U;
    p.ssrc = 0xCAFEBABEU;
    p.csrc_count = 3;
    p.csrcs = {1, 2, 3};
    p.extension = HeaderExtension{0xBEDE, ext_body};
    p.payload = payload;
    p.padding = 4;
    EXPECT_EQ(p.header_size(), 12U + 12U + 4U + 8U);
    EXPECT_EQ(p.serialized_size(), 36U + 4U + 4U);

    std::array<std::uint8_t, 128> buf{};
    auto n = p.serialize_to(buf);
    ASSERT_TRUE(n) << n.error().message();
    ASSERT_EQ(*n, p.serialized_size());
    EXPECT_EQ(buf[0], 0x80 | 0x20 | 0x10 | 3);
    EXPECT_EQ(buf[1], 0x80 | 111);
    EXPECT_EQ(buf[*n - 1], 4);  // RFC 3550 §5.1: last octet counts the padding

    auto v = PacketView::parse(std::span(buf.data(), *n));
    ASSERT_TRUE(v) << v.error().message();
    Packet back = Packet::from_view(*v);
    EXPECT_EQ(back.marker, p.marker);
    EXPECT_EQ(back.payload_type, p.payload_type);
    EXPECT_EQ(back.sequence, p.sequence);
    EXPECT_EQ(back.timestamp, p.timestamp);
    EXPECT_EQ(back.ssrc, p.ssrc);
    EXPECT_EQ(back.csrc_count, 3);
    EXPECT_EQ(back.csrcs, p.csrcs);
    ASSERT_TRUE(back.extension);
    EXPECT_EQ(back.extension->profile, 0xBEDE);
    EXPECT_TRUE(std::equal(back.extension->data.begin(), back.extension->data.end(),
                           ext_body.begin(), ext_body.end()));
    EXPECT_TRUE(
        std::equal(back.payload.begin(), back.payload.end(), payload.begin(), payload.end()));
    EXPECT_EQ(back.padding, 4);

    // Serializing the parsed copy again gives identical bytes.
    std::array<std::uint8_t, 128> again{};
    auto m = back.serialize_to(again);
    ASSERT_TRUE(m);
    ASSERT_EQ(*m, *n);
    EXPECT_TRUE(
        std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n), again.begin()));
}

TEST(RtpPacket, SerializesInPlaceAroundAnEncodedPayload) {
    Packet p;
    p.payload_type = 0;
    p.sequence = 7;
    p.timestamp = 160;
    p.ssrc = 42;
    std::array<std::uint8_t, 64> buf{};
    const std::size_t at = p.header_size();
    for (std::size_t i = 0; i < 20; ++i)
        buf[at + i] = static_cast<std::uint8_t>(i + 1);
    auto n = p.serialize_in_place(buf, 20);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 32U);
    auto v = PacketView::parse(std::span(buf.data(), *n));
    ASSERT_TRUE(v);
    EXPECT_EQ(v->sequence(), 7);
    EXPECT_EQ(v->timestamp(), 160U);
    ASSERT_EQ(v->payload().size(), 20U);
    EXPECT_EQ(v->payload()[19], 20);
}

TEST(RtpPacket, SerializeReportsErrors) {
    const std::array<std::uint8_t, 10> payload{};
    Packet p;
    p.payload = payload;
    std::array<std::uint8_t, 21> small{};
    EXPECT_EQ(p.serialize_to(small).error(), code(Error::buffer_too_small));
    std::array<std::uint8_t, 22> exact{};
    EXPECT_TRUE(p.serialize_to(exact));
    p.padding = 1;
    EXPECT_EQ(p.serialize_to(exact).error(), code(Error::buffer_too_small));
    p.padding = 0;
    p.csrc_count = 16;
    std::array<std::uint8_t, 256> big{};
    EXPECT_EQ(p.serialize_to(big).error(), code(Error::too_many_csrcs));
    p.csrc_count = 0;
    p.payload_type = 128;
    EXPECT_EQ(p.serialize_to(big).error(), code(Error::value_out_of_range));
    p.payload_type = 0;
    const std::array<std::uint8_t, 3> odd{};
    p.extension = HeaderExtension{0xBEDE, odd};
    EXPECT_EQ(p.serialize_to(big).error(), code(Error::bad_extension_length));
    EXPECT_EQ(p.serialize_in_place(small, 100).error(), code(Error::bad_extension_length));
    p.extension.reset();
    EXPECT_EQ(p.serialize_in_place(small, 10).error(), code(Error::buffer_too_small));
}

TEST(RtpPacket, ErrorCategoryNamesTheModule) {
    EXPECT_STREQ(code(Error::bad_version).category().name(), "voip.rtp");
    EXPECT_FALSE(code(Error::bad_padding).message().empty());
}

}  // namespace
