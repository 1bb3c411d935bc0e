#include <voip/rtp/rtcp.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

namespace {

using namespace voip::rtp;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

std::error_code code(Error e) {
    return make_error_code(e);
}

ReportBlock sample_block() {
    ReportBlock b;
    b.ssrc = 0x11223344;
    b.fraction_lost = 64;  // 25 %
    b.cumulative_lost = -3;
    b.extended_highest_sequence = 0x00010005;
    b.jitter = 160;
    b.last_sr = 0xB7052000;
    b.delay_since_last_sr = 0x00054000;
    return b;
}

TEST(Rtcp, ReceiverReportMatchesHandAssembledBytes) {
    ReceiverReport rr;
    rr.ssrc = 0xAABBCCDD;
    rr.reports.push_back(sample_block());
    std::array<std::uint8_t, 64> buf{};
    auto n = rr.serialize_to(buf);
    ASSERT_TRUE(n) << n.error().message();
    const Bytes expected = {0x81, 201,  0x00, 0x07,                          // V=2 RC=1, len 7
                            0xAA, 0xBB, 0xCC, 0xDD,                          // sender SSRC
                            0x11, 0x22, 0x33, 0x44,                          // source
                            0x40, 0xFF, 0xFF, 0xFD,                          // 64, -3
                            0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0xA0,  // ext seq, jitter
                            0xB7, 0x05, 0x20, 0x00, 0x00, 0x05, 0x40, 0x00};
    ASSERT_EQ(*n, expected.size());
    EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 32), expected);

    auto compound = RtcpCompound::parse(expected);
    ASSERT_TRUE(compound) << compound.error().message();
    auto it = compound->begin();
    ASSERT_NE(it, compound->end());
    EXPECT_EQ(it->type(), RtcpType::rr);
    auto back = ReceiverReport::parse(*it);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->ssrc, 0xAABBCCDDU);
    ASSERT_EQ(back->reports.size(), 1U);
    EXPECT_EQ(back->reports[0], sample_block());
    EXPECT_EQ(back->reports[0].cumulative_lost, -3);
    EXPECT_TRUE(back->extension.empty());
    EXPECT_EQ(++it, compound->end());
}

TEST(Rtcp, CompoundSrSdesByeRoundTrips) {
    SenderReport sr;
    sr.ssrc = 0x01020304;
    sr.sender = {0xE1234567'89ABCDEFULL, 123456, 1000, 172000};
    sr.reports = {sample_block(), sample_block()};
    sr.reports[1].ssrc = 0x55667788;
    sr.reports[1].cumulative_lost = 0x7FFFFF;
    Sdes sdes;
    sdes.chunks.push_back(
        {0x01020304, {{1, "alice@host.example"}, {6, "libvoip"}, {42, "odd item"}}});
    Bye bye;
    bye.ssrcs = {0x01020304};
    bye.reason = "hang up";

    std::array<std::uint8_t, 512> buf{};
    RtcpCompoundBuilder builder{buf};
    ASSERT_TRUE(builder.append(sr));
    ASSERT_TRUE(builder.append(sdes));
    ASSERT_TRUE(builder.append(bye));
    EXPECT_EQ(builder.size(),
              sr.serialized_size() + sdes.serialized_size() + bye.serialized_size());
    EXPECT_EQ(builder.size() % 4, 0U);

    auto compound = RtcpCompound::parse(builder.bytes());
    ASSERT_TRUE(compound) << compound.error().message();
    std::vector<RtcpType> types;
    for (const auto& packet : *compound)
        types.push_back(packet.type());
    ASSERT_EQ(types, (std::vector<RtcpType>{RtcpType::sr, RtcpType::sdes, RtcpType::bye}));

    auto it = compound->begin();
    auto sr2 = SenderReport::parse(*it);
    ASSERT_TRUE(sr2) << sr2.error().message();
    EXPECT_EQ(sr2->ssrc, sr.ssrc);
    EXPECT_EQ(sr2->sender, sr.sender);
    EXPECT_EQ(sr2->reports, sr.reports);
    auto sdes2 = Sdes::parse(*++it);
    ASSERT_TRUE(sdes2) << sdes2.error().message();
    EXPECT_EQ(sdes2->chunks, sdes.chunks);
    ASSERT_TRUE(sdes2->chunks[0].cname());
    EXPECT_EQ(*sdes2->chunks[0].cname(), "alice@host.example");
    auto bye2 = Bye::parse(*++it);
    ASSERT_TRUE(bye2) << bye2.error().message();
    EXPECT_EQ(bye2->ssrcs, bye.ssrcs);
    EXPECT_EQ(bye2->reason, "hang up");
    // Wrong decoder for the packet type.
    EXPECT_EQ(Bye::parse(*compound->begin()).error(), code(Error::rtcp_wrong_type));
    EXPECT_EQ(SenderReport::parse(*it).error(), code(Error::rtcp_wrong_type));
}

TEST(Rtcp, SdesChunkPaddingIsExact) {
    // CNAME "ab": 4 (SSRC) + 2 + 2 + 1 null = 9 -> 12 bytes; packet 16.
    Sdes sdes;
    sdes.chunks.push_back({7, {{1, "ab"}}});
    EXPECT_EQ(sdes.serialized_size(), 16U);
    // CNAME "a": 4 + 3 + 1 = 8 exactly -> still needs the null octet in the 8 bytes.
    Sdes one;
    one.chunks.push_back({7, {{1, "a"}}});
    EXPECT_EQ(one.serialized_size(), 12U);
    // CNAME "abc": 4 + 5 = 9, +1 null = 10 -> 12.
    Sdes three;
    three.chunks.push_back({7, {{1, "abc"}}});
    EXPECT_EQ(three.serialized_size(), 16U);
    // "abcd": 4 + 6 = 10, +1 = 11 -> 12.
    Sdes four;
    four.chunks.push_back({
        7,
        {{1, "abcd"}},
    });
    EXPECT_EQ(four.serialized_size(), 16U);
    std::array<std::uint8_t, 16> buf{};
    auto n = four.serialize_to(buf);
    ASSERT_TRUE(n);
    const Bytes expected = {0x81, 202, 0, 3, 0, 0, 0, 7, 1, 4, 'a', 'b', 'c', 'd', 0, 0};
    EXPECT_EQ(Bytes(buf.begin(), buf.end()), expected);
}

TEST(Rtcp, RejectsMalformedCompounds) {
    const Bytes rr = {0x80, 201, 0, 1, 1, 2, 3, 4};
    const Bytes sdes = {0x81, 202, 0, 2, 0, 0, 0, 7, 1, 1, 'x', 0};
    auto err = [](const Bytes& b) { return RtcpCompound::parse(b).error(); };
    EXPECT_FALSE(err(rr));
    EXPECT_EQ(err({}), code(Error::truncated));
    EXPECT_EQ(err({0x80, 201, 0}), code(Error::truncated));
    EXPECT_EQ(err({0x40, 201, 0, 1, 1, 2, 3, 4}), code(Error::bad_version));
    EXPECT_EQ(err(sdes), code(Error::rtcp_first_not_report));
    EXPECT_EQ(err({0x80, 204, 0, 1, 1, 2, 3, 4}), code(Error::rtcp_first_not_report));
    // Length says 3 words but only 1 follows.
    EXPECT_EQ(err({0x80, 201, 0, 3, 1, 2, 3, 4}), code(Error::rtcp_bad_length));
    // Trailing bytes that do not form a packet: lengths do not add up.
    Bytes trailing = rr;
    trailing.insert(trailing.end(), {0x80, 202});
    EXPECT_EQ(err(trailing), code(Error::truncated));
    // Second packet with version 1.
    Bytes v1 = rr;
    v1.insert(v1.end(), {0x41, 202, 0, 0});
    EXPECT_EQ(err(v1), code(Error::bad_version));
    // Padding on the first of two packets.
    Bytes padded_first = {0xA0, 201, 0, 2, 1, 2, 3, 4, 0, 0, 0, 4};
    Bytes two = padded_first;
    two.insert(two.end(), sdes.begin(), sdes.end());
    EXPECT_EQ(err(two), code(Error::rtcp_padding_not_last));
    // Padding on the last packet is fine and excluded from the body.
    Bytes padded_last = rr;
    padded_last.insert(padded_last.end(), {0xA1, 202, 0, 3, 0, 0, 0, 7, 1, 1, 'x', 0, 0, 0, 0, 4});
    auto ok = RtcpCompound::parse(padded_last);
    ASSERT_TRUE(ok) << ok.error().message();
    auto it = ok->begin();
    ++it;
    EXPECT_TRUE(it->has_padding());
    EXPECT_EQ(it->body().size(), 8U);
    auto parsed = Sdes::parse(*it);
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed->chunks.at(0).cname(), "x");
    // Padding count 0 or larger than the packet.
    EXPECT_EQ(err({0xA0, 201, 0, 1, 1, 2, 3, 0}), code(Error::bad_padding));
    EXPECT_EQ(err({0xA0, 201, 0, 1, 1, 2, 3, 9}), code(Error::bad_padding));
}

RtcpPacketView view_of(const Bytes& b) {
    auto v = RtcpPacketView::parse(b);
    EXPECT_TRUE(v) << v.error().message();
    return v.value_or(RtcpPacketView{});
}

TEST(Rtcp, RejectsMalformedPacketBodies) {
    // RR claims 1 report block but has none.
    const Bytes rr = {0x81, 201, 0, 1, 1, 2, 3, 4};
    EXPECT_EQ(ReceiverReport::parse(view_of(rr)).error(), code(Error::rtcp_bad_count));
    // SR too short for its sender info.
    const Bytes sr = {0x80, 200, 0, 1, 1, 2, 3, 4};
    EXPECT_EQ(SenderReport::parse(view_of(sr)).error(), code(Error::rtcp_bad_count));
    // SDES with 2 chunks declared, 1 present.
    const Bytes sdes2 = {0x82, 202, 0, 2, 0, 0, 0, 7, 1, 1, 'x', 0};
    EXPECT_EQ(Sdes::parse(view_of(sdes2)).error(), code(Error::rtcp_bad_count));
    // SDES item list without its terminating null octet.
    const Bytes unterminated = {0x81, 202, 0, 2, 0, 0, 0, 7, 1, 2, 'x', 'y'};
    EXPECT_EQ(Sdes::parse(view_of(unterminated)).error(), code(Error::rtcp_bad_sdes));
    // SDES item longer than the packet.
    const Bytes long_item = {0x81, 202, 0, 2, 0, 0, 0, 7, 1, 9, 'x', 0};
    EXPECT_EQ(Sdes::parse(view_of(long_item)).error(), code(Error::rtcp_bad_sdes));
    // BYE: 2 sources declared, 1 present.
    const Bytes bye = {0x82, 203, 0, 1, 0, 0, 0, 7};
    EXPECT_EQ(Bye::parse(view_of(bye)).error(), code(Error::rtcp_bad_count));
    // BYE reason length past the end.
    const Bytes reason = {0x81, 203, 0, 2, 0, 0, 0, 7, 9, 'a', 'b', 'c'};
    EXPECT_EQ(Bye::parse(view_of(reason)).error(), code(Error::rtcp_bad_length));
    // BYE without reason.
    const Bytes plain = {0x81, 203, 0, 1, 0, 0, 0, 7};
    auto b = Bye::parse(view_of(plain));
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->reason.empty());
    EXPECT_EQ(b->ssrcs, std::vector<std::uint32_t>{7});
}

TEST(Rtcp, AppPacketsArePassedOver) {
    Bytes b = {0x80, 201, 0, 1, 1, 2, 3, 4,                                   // RR
               0x81, 204, 0, 3, 0, 0, 0, 9, 'N', 'A', 'M', 'E', 1, 2, 3, 4};  // APP
    auto c = RtcpCompound::parse(b);
    ASSERT_TRUE(c) << c.error().message();
    int count = 0;
    for (const auto& p : *c) {
        ++count;
        if (count == 2) {
            EXPECT_EQ(p.type(), RtcpType::app);
            EXPECT_EQ(p.count(), 1);
            EXPECT_EQ(p.body().size(), 12U);
        }
    }
    EXPECT_EQ(count, 2);
}

TEST(Rtcp, SerializeErrors) {
    ReceiverReport rr;
    rr.reports.resize(32);
    std::array<std::uint8_t, 1024> buf{};
    EXPECT_EQ(rr.serialize_to(buf).error(), code(Error::value_out_of_range));
    rr.reports.resize(1);
    std::array<std::uint8_t, 31> small{};
    EXPECT_EQ(rr.serialize_to(small).error(), code(Error::buffer_too_small));
    rr.extension = {1, 2, 3};
    EXPECT_EQ(rr.serialize_to(buf).error(), code(Error::value_out_of_range));

    Sdes sdes;
    sdes.chunks.push_back({1, {{1, std::string(256, 'x')}}});
    EXPECT_EQ(sdes.serialize_to(buf).error(), code(Error::value_out_of_range));
    Bye bye;
    bye.reason = std::string(256, 'x');
    EXPECT_EQ(bye.serialize_to(buf).error(), code(Error::value_out_of_range));

    RtcpCompoundBuilder builder{buf};
    EXPECT_EQ(builder.append(Bye{}).error(), code(Error::rtcp_first_not_report));
    EXPECT_EQ(builder.size(), 0U);
    RtcpCompoundBuilder tiny{small};
    ReceiverReport ok;
    ok.reports.resize(1);
    EXPECT_EQ(tiny.append(ok).error(), code(Error::buffer_too_small));
    EXPECT_TRUE(tiny.append(ReceiverReport{}));
    EXPECT_EQ(tiny.size(), 8U);
}

TEST(Rtcp, CumulativeLossIsClampedTo24BitsSigned) {
    ReceiverReport rr;
    rr.reports.resize(2);
    rr.reports[0].cumulative_lost = 10'000'000;
    rr.reports[1].cumulative_lost = -10'000'000;
    std::array<std::uint8_t, 64> buf{};
    auto n = rr.serialize_to(buf);
    ASSERT_TRUE(n);
    auto back = ReceiverReport::parse(view_of(Bytes(buf.begin(), buf.begin() + *n)));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->reports[0].cumulative_lost, 0x7FFFFF);
    EXPECT_EQ(back->reports[1].cumulative_lost, -0x800000);
}

TEST(Rtcp, NtpTimeConversions) {
    const std::chrono::system_clock::time_point epoch{};
    EXPECT_EQ(to_ntp(epoch), 2208988800ULL << 32);
    EXPECT_EQ(to_ntp(epoch + 1500ms), ((2208988800ULL + 1) << 32) | 0x80000000ULL);
    const auto t = epoch + 1'700'000'000s + 250ms;
    EXPECT_EQ(from_ntp(to_ntp(t)), t);
    EXPECT_EQ(ntp_middle32(0xB7052000'12345678ULL), 0x20001234U);
    EXPECT_EQ(to_ntp_short(1500ms), 0x18000U);
    EXPECT_EQ(to_ntp_short(-1s), 0U);
    EXPECT_EQ(to_ntp_short(100000s), 0xFFFFFFFFU);
    EXPECT_EQ(from_ntp_short(0x18000), 1500ms);
}

TEST(Rtcp, RoundTripTimeFollowsTheRfcExample) {
    // RFC 3550 §6.4.1 figure: A = 0xb7108a00, LSR = 0xb7052000, DLSR = 0x00054000 (5.25 s)
    // -> RTT = 0x00062a00 = 6.1640625 s.
    auto rtt = round_trip_time(0xB7108A00, 0xB7052000, 0x00054000);
    ASSERT_TRUE(rtt);
    EXPECT_EQ(rtt->count(), 6'164'062);
    EXPECT_FALSE(round_trip_time(0xB7108A00, 0, 0));                    // no SR yet
    EXPECT_FALSE(round_trip_time(0xB7052000, 0xB7052000, 0x00054000));  // negative
    // Across the wrap of the middle 32 bits.
    auto wrapped = round_trip_time(0x00010000, 0xFFFF0000, 0);
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(*wrapped, 2s);
}

}  // namespace
