// TranscribeCall with a fake engine: utterances reach the engine off the I/O thread, results
// come back on it, in order, and a call that ends or dies meanwhile is safe.
#include <voip/log.hpp>
#include <voip/speech/transcribe_call.hpp>

#include <gtest/gtest.h>

#include <thread>

#include "audio/audio_test_support.hpp"
#include "speech/speech_test_support.hpp"

namespace voip::speech {
namespace {

using namespace std::chrono_literals;
using audio::test::connect;
using audio::test::run_for;
using audio::test::run_until;
using test::loopback;

struct Heard {
    std::vector<std::string> texts;
    std::vector<std::thread::id> threads;
    std::vector<std::error_code> errors;
};

class Probe : public TranscribeCall {
public:
    Probe(rtp::Multiplexer& mux, std::shared_ptr<SpeechToText> engine, std::shared_ptr<Heard> heard)
        : TranscribeCall(mux, std::move(engine)), heard_(std::move(heard)) {}
    using TranscribeCall::on_voice;  // tests hand utterances in directly

protected:
    void on_transcription(std::string text) override {
        heard_->texts.push_back(std::move(text));
        heard_->threads.push_back(std::this_thread::get_id());
    }
    void on_transcription_error(std::error_code ec) override { heard_->errors.push_back(ec); }

private:
    std::shared_ptr<Heard> heard_;
};

class Tone : public AudioCall {
public:
    using AudioCall::AudioCall;
};

std::vector<float> tone(std::size_t samples) {
    std::vector<float> s(samples);
    for (std::size_t i = 0; i < s.size(); ++i)
        s[i] = 0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * 440.0 * i / 16000.0));
    return s;
}

TEST(TranscribeCall, UtterancesOfACallAreTranscribedOffTheIoThread) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    auto engine = std::make_shared<test::FakeStt>();
    auto heard = std::make_shared<Heard>();
    Tone speaker(mux_a);
    Probe listener(mux_b, engine, heard);
    connect(speaker, listener, sdp::CryptoPolicy::off);
    EXPECT_FALSE(listener.narrowband());  // Opus by default

    // Two bursts of 0.6 s with 0.5 s between them: two utterances, in order.
    speaker.send_audio(tone(9600));
    speaker.send_audio(std::vector<float>(8000, 0.0F));
    speaker.send_audio(tone(9600));
    ASSERT_TRUE(run_until(
        io, [&] { return heard->texts.size() == 2; }, 10s))
        << "utterances " << listener.utterances() << ", engine calls " << engine->calls
        << ", packets received " << listener.stats().packets_received << ", from SSRC "
        << listener.stats().remote_ssrc.value_or(0) << " (speaker's " << speaker.ssrc()
        << "), sent " << speaker.stats().packets_sent;
    EXPECT_EQ(listener.transcriptions(), 2U);
    EXPECT_EQ(listener.transcriptions_pending(), 0U);
    EXPECT_TRUE(heard->errors.empty());
    for (const auto& text : heard->texts)
        EXPECT_TRUE(text.ends_with(" at 16000")) << text;
    // Results on the I/O thread (this one), the work on another.
    for (const auto id : heard->threads)
        EXPECT_EQ(id, std::this_thread::get_id());
    for (const auto id : engine->threads())
        EXPECT_NE(id, std::this_thread::get_id());
}

TEST(TranscribeCall, ResultsKeepTheOrderOfUtterances) {
    asio::io_context io;
    rtp::Multiplexer mux(io, loopback());
    auto engine = std::make_shared<test::FakeStt>(20ms);
    auto heard = std::make_shared<Heard>();
    Probe call(mux, engine, heard);
    for (std::size_t n : {100U, 200U, 300U})
        call.on_voice({.samples = std::vector<float>(n, 0.1F), .sample_rate = 16000});
    EXPECT_EQ(call.transcriptions_pending(), 3U);
    ASSERT_TRUE(run_until(
        io, [&] { return heard->texts.size() == 3; }, 5s));
    EXPECT_EQ(heard->texts,
              (std::vector<std::string>{"samples 100 at 16000", "samples 200 at 16000",
                                        "samples 300 at 16000"}));
}

TEST(TranscribeCall, AStoppedCallStillGetsItsResult) {
    asio::io_context io;
    rtp::Multiplexer mux(io, loopback());
    auto engine = std::make_shared<test::FakeStt>(200ms);
    auto heard = std::make_shared<Heard>();
    Probe call(mux, engine, heard);
    call.on_voice({.samples = std::vector<float>(1600, 0.1F), .sample_rate = 16000});
    call.stop_media();
    ASSERT_TRUE(run_until(
        io, [&] { return heard->texts.size() == 1; }, 5s));
    EXPECT_EQ(heard->texts.front(), "samples 1600 at 16000");
}

TEST(TranscribeCall, ACallDestroyedWhileTranscribingIsSafe) {
    asio::io_context io;
    rtp::Multiplexer mux(io, loopback());
    auto engine = std::make_shared<test::FakeStt>(300ms);
    auto heard = std::make_shared<Heard>();
    {
        Probe call(mux, engine, heard);
        call.on_voice({.samples = std::vector<float>(1600, 0.1F), .sample_rate = 16000});
        ASSERT_TRUE(run_until(
            io, [&] { return engine->started.load(); }, 5s));
    }  // destroyed with the transcription in flight
    // The job holds work on the io_context: it finishes, its result is dropped.
    ASSERT_TRUE(run_until(
        io, [&] { return engine->calls.load() == 1; }, 5s));
    run_for(io, 100ms);
    EXPECT_TRUE(heard->texts.empty());
    EXPECT_TRUE(heard->errors.empty());
}

TEST(TranscribeCall, WarnsAboutNarrowbandCodecs) {
    asio::io_context io;
    rtp::Multiplexer mux_a(io, loopback());
    rtp::Multiplexer mux_b(io, loopback());
    auto heard = std::make_shared<Heard>();
    std::vector<std::string> warnings;
    voip::log::set_sink(
        [&](voip::log::Level level, std::string_view component, std::string_view message) {
            if (level == voip::log::Level::warning && component == "speech")
                warnings.emplace_back(message);
        });
    audio::test::Prefer<Tone> speaker({"PCMU"}, mux_a);
    Probe listener(mux_b, std::make_shared<test::FakeStt>(), heard);
    connect(speaker, listener, sdp::CryptoPolicy::off);
    voip::log::set_sink(nullptr);
    EXPECT_TRUE(listener.narrowband());
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_NE(warnings.front().find("PCMU at 8000 Hz"), std::string::npos) << warnings.front();
}

}  // namespace
}  // namespace voip::speech
