#include <voip/rtp/reception_stats.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using voip::rtp::ReceptionStats;

ReceptionStats immediate() {
    return ReceptionStats{ReceptionStats::Config{.min_sequential = 1}};
}

TEST(ReceptionStats, ProbationNeedsTwoPacketsInSequence) {
    ReceptionStats s;  // MIN_SEQUENTIAL = 2 (RFC 3550 §A.1)
    EXPECT_FALSE(s.update(100, 0, 0));
    EXPECT_FALSE(s.valid());
    EXPECT_EQ(s.expected(), 0U);
    EXPECT_TRUE(s.update(101, 160, 160));
    EXPECT_TRUE(s.valid());
    EXPECT_EQ(s.received(), 1U);  // the probation packet itself is not counted
    EXPECT_EQ(s.extended_highest_sequence(), 101U);
    EXPECT_EQ(s.expected(), 1U);
    EXPECT_EQ(s.cumulative_lost(), 0);
}

TEST(ReceptionStats, ProbationRestartsOnAGap) {
    ReceptionStats s;
    EXPECT_FALSE(s.update(10, 0, 0));
    EXPECT_FALSE(s.update(12, 0, 0));  // not 11: probation starts over from 12
    EXPECT_FALSE(s.valid());
    EXPECT_TRUE(s.update(13, 0, 0));
    EXPECT_EQ(s.expected(), 1U);
}

TEST(ReceptionStats, ProbationAcrossTheWrap) {
    ReceptionStats s;
    EXPECT_FALSE(s.update(65535, 0, 0));
    EXPECT_TRUE(s.update(0, 0, 0));
    EXPECT_TRUE(s.update(1, 0, 0));
    EXPECT_EQ(s.expected(), 2U);
    EXPECT_EQ(s.received(), 2U);
}

TEST(ReceptionStats, CountsLossAcrossSequenceWrap) {
    auto s = immediate();
    // 65530 .. 65535, 0 .. 9 is 16 packets; 65534 and 3 are lost.
    std::uint32_t sent = 0;
    for (std::uint32_t i = 65530; i < 65536 + 10; ++i) {
        const auto seq = static_cast<std::uint16_t>(i);
        ++sent;
        if (seq == 65534 || seq == 3) continue;
        EXPECT_TRUE(s.update(seq, 0, 0)) << seq;
    }
    EXPECT_EQ(sent, 16U);
    EXPECT_EQ(s.extended_highest_sequence(), 65536U + 9U);
    EXPECT_EQ(s.expected(), 16U);
    EXPECT_EQ(s.received(), 14U);
    EXPECT_EQ(s.cumulative_lost(), 2);
    EXPECT_EQ(s.take_fraction_lost(), 32);  // 2/16 * 256

    // Next interval: 10 packets, 1 lost -> 256/10 = 25.6 -> 25.
    for (std::uint16_t seq = 10; seq < 20; ++seq) {
        if (seq != 15) s.update(seq, 0, 0);
    }
    EXPECT_EQ(s.take_fraction_lost(), 25);
    EXPECT_EQ(s.cumulative_lost(), 3);
    // Empty interval.
    EXPECT_EQ(s.take_fraction_lost(), 0);
}

TEST(ReceptionStats, ReorderingIsNotLossAndDuplicatesMakeLossNegative) {
    auto s = immediate();
    for (std::uint16_t seq : {1, 2, 4, 3, 5})
        EXPECT_TRUE(s.update(seq, 0, 0));
    EXPECT_EQ(s.extended_highest_sequence(), 5U);  // 3 after 4 did not count as a wrap
    EXPECT_EQ(s.cumulative_lost(), 0);
    EXPECT_TRUE(s.update(5, 0, 0));
    EXPECT_TRUE(s.update(4, 0, 0));
    EXPECT_EQ(s.received(), 7U);
    EXPECT_EQ(s.cumulative_lost(), -2);
    EXPECT_EQ(s.take_fraction_lost(), 0);  // negative interval loss reports 0
    auto block = s.make_report_block(0xABCD);
    EXPECT_EQ(block.ssrc, 0xABCDU);
    EXPECT_EQ(block.cumulative_lost, -2);
    EXPECT_EQ(block.extended_highest_sequence, 5U);
}

TEST(ReceptionStats, LargeJumpNeedsConfirmationThenRestarts) {
    auto s = immediate();
    for (std::uint16_t seq = 1; seq <= 10; ++seq)
        s.update(seq, 0, 0);
    EXPECT_FALSE(s.update(20000, 0, 0));  // > MAX_DROPOUT ahead: held as suspect
    EXPECT_EQ(s.received(), 10U);
    EXPECT_TRUE(s.update(20001, 0, 0));  // confirmed: the source restarted
    EXPECT_EQ(s.received(), 1U);
    EXPECT_EQ(s.expected(), 1U);
    EXPECT_EQ(s.extended_highest_sequence(), 20001U);
    // A lone stray packet far away is dropped and the stream continues.
    EXPECT_FALSE(s.update(100, 0, 0));
    EXPECT_TRUE(s.update(20002, 0, 0));
    EXPECT_EQ(s.received(), 2U);
}

TEST(ReceptionStats, ConstantTransitMeansZeroJitter) {
    auto s = immediate();
    for (std::uint32_t i = 0; i < 100; ++i) {
        // transit = 5000 - ... constant, and the arrival clock wraps past 2^32 on the way.
        s.update(static_cast<std::uint16_t>(i), i * 160, 0xFFFFF000U + i * 160);
    }
    EXPECT_EQ(s.jitter(), 0U);
}

TEST(ReceptionStats, JitterFirstStepMatchesTheFormula) {
    auto s = immediate();
    s.update(1, 0, 1000);
    s.update(2, 160, 1000 + 160 + 160);  // transit grew by 160: J = 160/16 = 10
    EXPECT_EQ(s.jitter(), 10U);
}

TEST(ReceptionStats, AlternatingTransitConvergesTowardTheSwing) {
    auto s = immediate();
    const std::uint32_t d = 80;
    for (std::uint32_t i = 0; i < 400; ++i) {
        const std::uint32_t ts = i * 160;
        s.update(static_cast<std::uint16_t>(i), ts, ts + 1000 + ((i % 2) != 0 ? d : 0));
    }
    // |D| = d on every packet, so J -> d (integer form may sit one below).
    EXPECT_GE(s.jitter(), d - 1);
    EXPECT_LE(s.jitter(), d);
}

TEST(ReceptionStats, ReportBlockClampsCumulativeLoss) {
    // Jump forward by less than MAX_DROPOUT many times: heavy loss.
    auto s = ReceptionStats{ReceptionStats::Config{.min_sequential = 1, .max_dropout = 60000}};
    std::uint32_t ext = 0;
    s.update(0, 0, 0);
    for (int i = 0; i < 200; ++i) {
        ext += 50000;
        s.update(static_cast<std::uint16_t>(ext), 0, 0);
    }
    EXPECT_EQ(s.expected(), ext + 1);
    EXPECT_GT(s.cumulative_lost(), 0x7FFFFF);
    auto block = s.make_report_block(1);
    EXPECT_EQ(block.cumulative_lost, 0x7FFFFF);
    EXPECT_EQ(block.extended_highest_sequence, ext);
    EXPECT_EQ(block.fraction_lost, 255);  // 201 of ~10M: nearly all lost, clamped below 256
}

}  // namespace
