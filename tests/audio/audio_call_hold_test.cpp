// AudioCall::update_media: a re-negotiation (hold/resume, RFC 3264 §8.4) applied to running
// media — direction from our side, remote address, payload types, codec change refused.
#include <voip/audio/audio_call.hpp>
#include <voip/audio/error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/sdp/offer_answer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioCall;
using voip::audio::Errc;
using voip::audio::test::loopback_config;
using voip::audio::test::Prefer;
using voip::audio::test::run_for;
using voip::audio::test::run_until;
using voip::sdp::Direction;

struct Seen {
    std::uint16_t sequence;
    std::uint32_t timestamp;
    bool marker;
};

// Records every RTP packet that reaches it (before AudioCall's own handling) and counts the
// far-end audio AudioCall hands on.
class Recorder : public AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<Seen> packets;
    int audio_frames = 0;

protected:
    void on_packet(const voip::rtp::PacketView& p) override {
        packets.push_back({p.sequence(), p.timestamp(), p.marker()});
        AudioCall::on_packet(p);
    }
    void on_audio(std::span<const float> /*samples*/, float /*rms*/) override { ++audio_frames; }
};

using Call = Prefer<Recorder>;

struct Pair {
    Pair()
        : a_mux(io, loopback_config()),
          b_mux(io, loopback_config()),
          a(std::vector<std::string>{"PCMU"}, a_mux),
          b(std::vector<std::string>{"PCMU"}, b_mux) {
        EXPECT_TRUE(a.open());
        EXPECT_TRUE(b.open());
        auto offer_media = a.local_media("127.0.0.1");
        auto offer = voip::sdp::create_offer(offer_media.value(), {.session_id = 1}).value();
        auto answer =
            voip::sdp::create_answer(offer, b.local_media("127.0.0.1").value(), {.session_id = 2})
                .value();
        a_negotiated = voip::sdp::apply_answer(offer, answer.description).value();
        b_negotiated = answer.negotiated;
        EXPECT_TRUE(b.start_media(b_negotiated));
        EXPECT_TRUE(a.start_media(a_negotiated));
    }
    [[nodiscard]] voip::sdp::Negotiated a_with(Direction d) const {
        auto n = a_negotiated;
        n.direction = d;
        return n;
    }
    [[nodiscard]] voip::sdp::Negotiated b_with(Direction d) const {
        auto n = b_negotiated;
        n.direction = d;
        return n;
    }
    asio::io_context io;
    voip::rtp::Multiplexer a_mux;
    voip::rtp::Multiplexer b_mux;
    Call a;
    Call b;
    voip::sdp::Negotiated a_negotiated;
    voip::sdp::Negotiated b_negotiated;
};

// A holds (a=sendonly, RFC 3264 §8.4): B answers recvonly. B stops sending at once, its queued
// audio waits; A keeps sending. On resume B's first packet continues the sequence numbers and
// its timestamp is on the same 20 ms line, moved on by exactly the packet times it held back.
TEST(AudioCallHold, RecvonlyStopsSendingKeepsTheTimestampLineAndQueuedAudioWaits) {
    Pair p;
    ASSERT_FALSE(testing::Test::HasFailure());
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.packets.size() >= 10 && p.b.packets.size() >= 10; }, 20s));
    EXPECT_EQ(p.b.media_direction(), Direction::sendrecv);

    ASSERT_TRUE(p.a.update_media(p.a_with(Direction::sendonly)));
    ASSERT_TRUE(p.b.update_media(p.b_with(Direction::recvonly)));
    EXPECT_EQ(p.a.media_direction(), Direction::sendonly);
    EXPECT_EQ(p.b.media_direction(), Direction::recvonly);
    EXPECT_EQ(p.b.send_dtmf('1').error(), Errc::direction_forbids);
    p.b.send_audio(std::vector<float>(16000 / 10, 0.3F));  // 100 ms, waits for the resume
    const auto queued = p.b.queued_samples();
    EXPECT_EQ(queued, 1600U);

    run_for(p.io, 100ms);  // packets already in flight arrive
    const auto a_received = p.a.packets.size();
    const auto b_received = p.b.packets.size();
    const auto last_before_hold = p.a.packets.back();
    run_for(p.io, 400ms);
    EXPECT_EQ(p.a.packets.size(), a_received) << "B sent while recvonly";
    EXPECT_GE(p.b.packets.size(), b_received + 5) << "A stopped sending while sendonly";
    EXPECT_EQ(p.b.queued_samples(), queued) << "queued audio must wait for the resume";
    const auto held = p.b.audio_stats().frames_held;
    EXPECT_GE(held, 10U);

    ASSERT_TRUE(p.a.update_media(p.a_with(Direction::sendrecv)));
    ASSERT_TRUE(p.b.update_media(p.b_with(Direction::sendrecv)));
    const auto held_total = p.b.audio_stats().frames_held;
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.b.queued_samples() == 0 && p.a.packets.size() > a_received + 10; },
        20s));
    const auto& first = p.a.packets[a_received];
    EXPECT_EQ(first.sequence, static_cast<std::uint16_t>(last_before_hold.sequence + 1));
    // RFC 3550 §5.1: the timestamp advanced with time while nothing was sent.
    EXPECT_EQ(first.timestamp - last_before_hold.timestamp, 160U * (held_total + 1));
    // RFC 3551 §4.1: the queued audio starts a talkspurt after the pause.
    int markers = 0;
    for (std::size_t i = a_received; i < p.a.packets.size(); ++i)
        markers += p.a.packets[i].marker ? 1 : 0;
    EXPECT_EQ(markers, 1);
}

// Not allowed to receive (sendonly, inactive): packets still reach the socket, but no far-end
// audio comes out of on_audio(); after the resume it flows again.
TEST(AudioCallHold, SendonlyAndInactiveIgnoreReceivedAudio) {
    Pair p;
    ASSERT_FALSE(testing::Test::HasFailure());
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.audio_frames >= 5; }, 20s));

    for (const auto d : {Direction::sendonly, Direction::inactive}) {
        ASSERT_TRUE(p.a.update_media(p.a_with(d)));  // B keeps sending (it was not told)
        const auto frames = p.a.audio_frames;
        const auto packets = p.a.packets.size();
        run_for(p.io, 300ms);
        EXPECT_EQ(p.a.audio_frames, frames) << to_string(d);
        EXPECT_GE(p.a.packets.size(), packets + 5) << to_string(d);
    }
    // inactive: A does not send either.
    const auto b_received = p.b.packets.size();
    run_for(p.io, 300ms);
    EXPECT_LE(p.b.packets.size(), b_received + 1);

    ASSERT_TRUE(p.a.update_media(p.a_with(Direction::sendrecv)));
    const auto frames = p.a.audio_frames;
    const auto b_now = p.b.packets.size();
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.audio_frames >= frames + 5 && p.b.packets.size() >= b_now + 5; },
        20s));
    EXPECT_EQ(p.a.media_direction(), Direction::sendrecv);
}

// A changed remote port is applied: A's packets go to a third call C from then on (a real
// move, e.g. a re-INVITE after the far end's transfer to another phone).
TEST(AudioCallHold, ChangedRemoteAddressIsApplied) {
    Pair p;
    ASSERT_FALSE(testing::Test::HasFailure());
    voip::rtp::Multiplexer c_mux(p.io, loopback_config());
    Call c(std::vector<std::string>{"PCMU"}, c_mux);
    ASSERT_TRUE(c.open());
    // C plays B's part towards A but only listens (a sender would make A latch onto it,
    // RFC 4961 symmetric RTP, whatever the SDP says).
    auto c_negotiated = p.b_with(Direction::recvonly);
    ASSERT_TRUE(c.start_media(c_negotiated));

    ASSERT_TRUE(run_until(
        p.io, [&] { return p.b.packets.size() >= 3; }, 20s));
    // B stops sending first: A latches onto where packets come from (RFC 4961).
    ASSERT_TRUE(p.b.update_media(p.b_with(Direction::recvonly)));
    run_for(p.io, 100ms);
    auto moved = p.a_negotiated;
    moved.remote_port = c.local_ports().rtp.port();
    moved.remote_rtcp_port = 0;
    ASSERT_TRUE(p.a.update_media(moved));
    run_for(p.io, 60ms);
    const auto b_received = p.b.packets.size();
    ASSERT_TRUE(run_until(
        p.io, [&] { return c.packets.size() >= 5; }, 20s));
    EXPECT_LE(p.b.packets.size(), b_received + 1);
}

TEST(AudioCallHold, UpdateMediaErrorsChangeNothing) {
    asio::io_context io;
    voip::rtp::Multiplexer mux(io, loopback_config());
    Call idle(std::vector<std::string>{"PCMU"}, mux);
    ASSERT_TRUE(idle.open());
    EXPECT_EQ(idle.update_media({}).error(), Errc::not_started);

    Pair p;
    ASSERT_FALSE(testing::Test::HasFailure());
    auto other = p.a_with(Direction::inactive);
    other.codec.name = "PCMA";
    other.codec.payload_type = 8;
    EXPECT_EQ(p.a.update_media(other).error(), Errc::codec_changed);
    auto bad = p.a_with(Direction::inactive);
    bad.remote_address = "phone.example.com";
    EXPECT_EQ(p.a.update_media(bad).error(), Errc::bad_remote_address);
    EXPECT_EQ(p.a.media_direction(), Direction::sendrecv);

    // Same codec in another letter case (RFC 4855 §3: names are case-insensitive): accepted.
    auto renumbered = p.a_with(Direction::sendrecv);
    renumbered.codec.name = "pcmu";
    EXPECT_TRUE(p.a.update_media(renumbered));

    // The old RFC 2543 hold, c=0.0.0.0: nowhere to send, so nothing is sent.
    auto zero = p.a_with(Direction::sendrecv);
    zero.remote_address = "0.0.0.0";
    ASSERT_TRUE(p.a.update_media(zero));
    run_for(p.io, 100ms);
    const auto b_received = p.b.packets.size();
    run_for(p.io, 300ms);
    EXPECT_EQ(p.b.packets.size(), b_received);
}

}  // namespace
