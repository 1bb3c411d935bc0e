// SayCall: speaks its text once media starts and hangs up through its owner when the speech
// has been sent. With the real engines: SayCall (Flite) → Opus/SRTP → TranscribeCall
// (PocketSphinx) on loopback gives back the sentence; the same over PCMU is measured.
#include <voip/rtp/media_error.hpp>
#include <voip/speech/error.hpp>
#include <voip/speech/say_call.hpp>
#include <voip/speech/transcribe_call.hpp>
#include <voip/speech/word_overlap.hpp>

#include <gtest/gtest.h>

#include "audio/audio_test_support.hpp"
#include "speech/speech_test_support.hpp"

namespace voip::speech {
namespace {

using namespace std::chrono_literals;
using audio::test::connect;
using audio::test::run_for;
using audio::test::run_until;
using test::loopback;

/// Records what it hears.
class Ear : public AudioCall {
public:
    using AudioCall::AudioCall;
    std::size_t loud_samples = 0;

protected:
    void on_audio(std::span<const float> samples, float rms) override {
        if (rms > 0.05F) loud_samples += samples.size();
    }
};

/// A dialog stand-in: counts hang-ups and answers them with a given result.
class FakeOwner : public rtp::SessionOwner {
public:
    void hang_up(rtp::Session& session, Done done) override {
        sessions.push_back(&session);
        done(result);
    }
    std::vector<rtp::Session*> sessions;
    std::error_code result;
};

class ReportingSayCall : public SayCall {
public:
    using SayCall::SayCall;
    int said_calls = 0;

protected:
    void on_said(std::error_code ec) override {
        ++said_calls;
        SayCall::on_said(ec);
    }
};

TEST(SayCall, SpeaksThenHangsUpThroughItsOwner) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    auto tts = std::make_shared<test::ToneTts>();
    ReportingSayCall say(mux_a, "hello", tts);  // 5 characters: 250 ms of tone at 8 kHz
    FakeOwner owner;
    say.set_owner(&owner);
    Ear ear(mux_b);
    connect(say, ear, sdp::CryptoPolicy::required);
    EXPECT_EQ(tts->calls, 1);
    EXPECT_EQ(say.speech().size(), 4000U);  // resampled to the call's 16 kHz
    ASSERT_TRUE(run_until(
        io, [&] { return say.said().has_value(); }, 10s));
    EXPECT_EQ(*say.said(), std::error_code{});
    EXPECT_EQ(say.said_calls, 1);
    ASSERT_EQ(owner.sessions.size(), 1U);
    EXPECT_EQ(owner.sessions.front(), &say);
    EXPECT_FALSE(say.media_started());  // stopped before the BYE
    // The far end heard about the tone's length of loud audio (codec and PLC blur the edges).
    EXPECT_GT(ear.loud_samples, 2400U);
    EXPECT_LT(ear.loud_samples, 8000U);
    run_for(io, 200ms);
    EXPECT_EQ(say.said_calls, 1);
}

TEST(SayCall, WithoutAnOwnerTheHangUpReportsNoSignalling) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    SayCall say(mux_a, "hi", std::make_shared<test::ToneTts>(), {},
                {.leading_silence = 0ms, .trailing_silence = 100ms});
    Ear ear(mux_b);
    connect(say, ear, sdp::CryptoPolicy::off);
    ASSERT_TRUE(run_until(
        io, [&] { return say.said().has_value(); }, 10s));
    EXPECT_EQ(*say.said(), rtp::MediaErrc::no_signalling);
}

TEST(SayCall, CanStayInTheCall) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    FakeOwner owner;
    SayCall say(mux_a, "hi", std::make_shared<test::ToneTts>(), {}, {.hang_up = false});
    say.set_owner(&owner);
    Ear ear(mux_b);
    connect(say, ear, sdp::CryptoPolicy::off);
    ASSERT_TRUE(run_until(
        io, [&] { return say.said().has_value(); }, 10s));
    EXPECT_EQ(*say.said(), std::error_code{});
    EXPECT_TRUE(owner.sessions.empty());
    EXPECT_TRUE(say.media_started());
}

TEST(SayCall, MediaStoppedBeforeTheEndReportsAborted) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    FakeOwner owner;
    SayCall say(mux_a, "a rather long text to speak", std::make_shared<test::ToneTts>());
    say.set_owner(&owner);
    Ear ear(mux_b);
    connect(say, ear, sdp::CryptoPolicy::off);
    run_for(io, 100ms);
    say.stop_media();  // what the dialog does when the far end hangs up
    ASSERT_TRUE(run_until(
        io, [&] { return say.said().has_value(); }, 5s));
    EXPECT_EQ(*say.said(), asio::error::operation_aborted);
    EXPECT_TRUE(owner.sessions.empty());  // no BYE of our own
}

class FailingTts final : public TextToSpeech {
public:
    Result<Audio> synthesize(std::string_view /*text*/) override { return Errc::synthesis_failed; }
};

TEST(SayCall, ASynthesisErrorFailsStartMedia) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    SayCall say(mux_a, "hello", std::make_shared<FailingTts>());
    Ear ear(mux_b);
    ASSERT_TRUE(say.open());
    ASSERT_TRUE(ear.open());
    auto offer = sdp::create_offer(say.local_media("127.0.0.1").value(), {.session_id = 1});
    ASSERT_TRUE(offer);
    auto answer =
        sdp::create_answer(*offer, ear.local_media("127.0.0.1").value(), {.session_id = 2});
    ASSERT_TRUE(answer);
    auto agreed = sdp::apply_answer(*offer, answer->description);
    ASSERT_TRUE(agreed);
    auto started = say.start_media(*agreed);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), Errc::synthesis_failed);
    EXPECT_FALSE(say.media_started());
    EXPECT_FALSE(say.said().has_value());
}

TEST(SayCall, DestroyedBeforeItFinishesIsSafe) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    Ear ear(mux_b);
    {
        SayCall say(mux_a, "a rather long text to speak", std::make_shared<test::ToneTts>());
        connect(say, ear, sdp::CryptoPolicy::off);
        run_for(io, 100ms);
    }
    run_for(io, 200ms);  // nothing of the dead call runs (ASan/UBSan builds check)
    SUCCEED();
}

#if VOIP_HAVE_FLITE && VOIP_HAVE_POCKETSPHINX

/// Share of the spoken words the transcription must contain over a wideband call (measured:
/// all of them, "your package has arrived").
constexpr double call_threshold = 0.75;

class Transcript : public TranscribeCall {
public:
    using TranscribeCall::TranscribeCall;
    std::vector<std::string> texts;

protected:
    void on_transcription(std::string text) override { texts.push_back(std::move(text)); }
};

struct CallResult {
    std::string heard;
    bool narrowband = false;
};

CallResult say_and_transcribe(const std::vector<std::string>& codecs, sdp::CryptoPolicy crypto) {
    CallResult result;
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    auto tts = test::shared_tts();
    auto stt = test::shared_stt();
    EXPECT_TRUE(tts && stt);
    if (!tts || !stt) return result;
    audio::test::Prefer<SayCall> say(codecs, mux_a, test::package_sentence, tts);
    Transcript listener(mux_b, stt);
    connect(say, listener, crypto);
    EXPECT_TRUE(run_until(
        io, [&] { return say.said().has_value(); }, 15s));
    EXPECT_TRUE(run_until(
        io, [&] { return listener.transcriptions_pending() == 0; }, 15s));
    EXPECT_EQ(listener.utterances(), 1U);
    for (const auto& t : listener.texts)
        result.heard += (result.heard.empty() ? "" : " ") + t;
    result.narrowband = listener.narrowband();
    return result;
}

TEST(SayCall, FliteOverOpusAndSrtpIsTranscribedByPocketSphinx) {
    const auto result = say_and_transcribe({"opus"}, sdp::CryptoPolicy::required);
    EXPECT_FALSE(result.narrowband);
    const double overlap = word_overlap(test::package_sentence, result.heard);
    std::printf("[ measured ] opus: \"%s\" (word overlap %.2f)\n", result.heard.c_str(), overlap);
    RecordProperty("opus_transcription", result.heard);
    EXPECT_GE(overlap, call_threshold) << "heard \"" << result.heard << "\"";
}

// The 8 kHz path (PCMU: band-limited and µ-law quantised) is measured and recorded; only
// that it is flagged narrowband and still yields one utterance is asserted (what the model
// makes of it is in docs/speech.md).
TEST(SayCall, PcmuIsNarrowbandAndMeasured) {
    const auto result = say_and_transcribe({"PCMU"}, sdp::CryptoPolicy::off);
    EXPECT_TRUE(result.narrowband);
    const double overlap = word_overlap(test::package_sentence, result.heard);
    std::printf("[ measured ] PCMU: \"%s\" (word overlap %.2f)\n", result.heard.c_str(), overlap);
    RecordProperty("pcmu_transcription", result.heard);
}

#endif  // VOIP_HAVE_FLITE && VOIP_HAVE_POCKETSPHINX

}  // namespace
}  // namespace voip::speech
