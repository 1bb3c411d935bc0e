// The `voip` program against itself on 127.0.0.1: play → record (a WAV file written by the
// test comes out in the recording), say → transcribe (speech engines), and `voip demo`.

#include <voip/speech/word_overlap.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace voip::cli::test {
namespace {

using namespace std::chrono_literals;

// 16-bit PCM mono WAV: 1 s of a 440 Hz tone at 16 kHz.
void write_tone_wav(const fs::path& path) {
    constexpr std::uint32_t rate = 16000;
    std::vector<std::int16_t> samples(rate);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] =
            static_cast<std::int16_t>(8000 * std::sin(2 * std::numbers::pi * 440 * i / rate));
    }
    const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
    std::ofstream out(path, std::ios::binary);
    auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    out.write("RIFF", 4);
    u32(36 + data_bytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(1);
    u32(rate);
    u32(rate * 2);
    u16(2);
    u16(16);
    out.write("data", 4);
    u32(data_bytes);
    out.write(reinterpret_cast<const char*>(samples.data()), data_bytes);
}

std::string listen_on(std::uint16_t port) {
    return "udp:127.0.0.1:" + std::to_string(port);
}

TEST(CliLoopback, PlayIntoRecord) {
    TempDir dir;
    const auto tone = dir.path() / "tone.wav";
    const auto recording = dir.path() / "recording.wav";
    write_tone_wav(tone);
    const auto port = interop::free_port();
    Process recorder({VOIP_CLI_PATH, "record", recording.string(), "--listen", listen_on(port),
                      "--calls", "1", "--duration", "60"},
                     dir.path());
    ASSERT_TRUE(recorder.wait_for_output("waiting for calls", 20s)) << recorder.err();
    Process player({VOIP_CLI_PATH, "play", tone.string(), "--dial",
                    "sip:rec@127.0.0.1:" + std::to_string(port), "--duration", "60"},
                   dir.path());
    const auto player_rc = player.wait(60s);
    const auto recorder_rc = recorder.wait(20s);
    const auto why = "--- player\n" + player.out() + player.err() + "--- recorder\n" +
                     recorder.out() + recorder.err();
    ASSERT_EQ(player_rc, 0) << why;
    ASSERT_EQ(recorder_rc, 0) << why;
    EXPECT_NE(player.out().find("playing 1.0 s of audio"), std::string::npos) << why;
    EXPECT_NE(recorder.out().find("recorded"), std::string::npos) << why;
    // At least the second of tone arrived: 16-bit mono at 16 kHz plus the header.
    ASSERT_TRUE(fs::exists(recording)) << why;
    EXPECT_GE(fs::file_size(recording), 44U + 32000U * 9 / 10) << why;
    // And it is the tone, not silence: some samples are loud.
    const auto bytes = read_text(recording);
    int loud = 0;
    for (std::size_t i = 44; i + 1 < bytes.size(); i += 2) {
        const auto s = static_cast<std::int16_t>(static_cast<std::uint8_t>(bytes[i]) |
                                                 static_cast<std::uint8_t>(bytes[i + 1]) << 8);
        if (std::abs(s) > 4000) ++loud;
    }
    EXPECT_GT(loud, 1000) << why;
}

#if VOIP_CLI_HAS_SPEECH
// The words heard, from the listener's "heard: ..." line (empty when there is none).
std::string heard_line(const std::string& out) {
    const std::string tag = "heard: ";
    const auto at = out.find(tag);
    if (at == std::string::npos) return {};
    const auto end = out.find('\n', at);
    return out.substr(at + tag.size(), end == std::string::npos ? end : end - at - tag.size());
}

TEST(CliLoopback, SayIntoTranscribe) {
    // A sentence PocketSphinx hears reliably over the wideband codecs (docs/speech.md). Not
    // "please call me back tomorrow": a lossy codec's output depends on its state when the
    // speech starts (how many frames of silence it encoded first, which shifts with call
    // set-up time), and PocketSphinx turned the same received-in-full utterance into "please
    // call me back tomorrow" or "least on the back tomorrow" depending on it.
    const std::string said = "your package has arrived";
    TempDir dir;
    const auto port = interop::free_port();
    Process listener({VOIP_CLI_PATH, "transcribe", "--listen", listen_on(port), "--calls", "1",
                      "--duration", "60"},
                     dir.path());
    ASSERT_TRUE(listener.wait_for_output("waiting for calls", 30s)) << listener.err();
    Process speaker(
        {VOIP_CLI_PATH, "say", "sip:t@127.0.0.1:" + std::to_string(port), said, "--duration", "60"},
        dir.path());
    const auto speaker_rc = speaker.wait(60s);
    const auto listener_rc = listener.wait(30s);
    const auto why = "--- say\n" + speaker.out() + speaker.err() + "--- transcribe\n" +
                     listener.out() + listener.err();
    ASSERT_EQ(speaker_rc, 0) << why;
    ASSERT_EQ(listener_rc, 0) << why;
    // Opus at 16 kHz: the wideband threshold of the speech tests, at least 75% of the words.
    EXPECT_GE(speech::word_overlap(said, heard_line(listener.out())), 0.75) << why;
}

TEST(CliLoopback, DemoPasses) {
    const auto r = run({VOIP_CLI_PATH, "demo"}, 90s);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("word overlap"), std::string::npos) << r.out;
}
#endif

}  // namespace
}  // namespace voip::cli::test
