#pragma once
/// @file
/// speech::SayCall: an AudioCall that speaks a text and hangs up. When its media starts it
/// synthesises the text (TextToSpeech, Flite by default) and queues it; once the speech and a
/// short trailing silence have been sent it hangs up (rtp::Session::hang_up: RTCP BYE, then
/// the dialog's SIP BYE, awaited) and on_said() reports the outcome.
///
/// @code
///   auto dialog = ua.make_dialog();
///   auto call = co_await dialog->async_dial<voip::SayCall>(target, asio::use_awaitable,
///                                                          "your package has arrived");
///   // ... the call speaks, then hangs up by itself
/// @endcode
///
/// The trailing silence matters: a far end that cuts utterances on silence (VoiceActivityCall,
/// TranscribeCall) only hears the end of the sentence after a silence gap, and the BYE stops
/// its media.
///
/// Threading: like AudioCall, everything on the multiplexer's io_context. Synthesis runs in
/// start_media() on that thread (Flite: a few tens of milliseconds per sentence).

#include <voip/audio/audio_call.hpp>
#include <voip/result.hpp>
#include <voip/speech/text_to_speech.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace voip::speech {

struct SayOptions {
    /// Silence sent before the speech (the far end's jitter buffer settles meanwhile).
    std::chrono::milliseconds leading_silence{200};
    /// Silence sent after the speech before hanging up (must exceed the far end's
    /// VoiceDetectorConfig::silence_gap plus its jitter-buffer delay).
    std::chrono::milliseconds trailing_silence{600};
    /// Hang up when done; false = stay in the call (on_said() still runs, with no error).
    bool hang_up = true;
};

class SayCall : public audio::AudioCall {
public:
    /// @p engine null = default_text_to_speech() (Flite), looked up in start_media().
    SayCall(rtp::Multiplexer& mux, std::string text, std::shared_ptr<TextToSpeech> engine = {},
            audio::AudioConfig config = {}, SayOptions options = {});
    ~SayCall() override;
    SayCall(const SayCall&) = delete;
    SayCall& operator=(const SayCall&) = delete;
    SayCall(SayCall&&) = delete;
    SayCall& operator=(SayCall&&) = delete;

    /// AudioCall::start_media, then synthesises the text and queues it (with the silences).
    /// It hides AudioCall's (not virtual): call it on the SayCall type, as sip::Dialog does.
    /// Errors: those of AudioCall::start_media, of the engine (Errc::engine_unavailable,
    /// empty_text, synthesis_failed); on a speech error the media is stopped again.
    Result<void> start_media(const sdp::Negotiated& negotiated);

    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    /// The synthesised speech (at AudioConfig::sample_rate), empty before start_media().
    [[nodiscard]] const std::vector<float>& speech() const noexcept { return speech_; }
    /// Set once on_said() has run: the outcome of the hang-up (no error when it succeeded or
    /// SayOptions::hang_up is false).
    [[nodiscard]] const std::optional<std::error_code>& said() const noexcept { return said_; }

protected:
    /// Speech and trailing silence sent: starts the hang-up.
    void on_audio_sent() override;
    /// The text has been spoken and (SayOptions::hang_up) the call hung up; @p ec is the
    /// hang-up's outcome (rtp::MediaErrc::no_signalling for a call without a dialog), or
    /// asio::error::operation_aborted when the media stopped before all was said (the far end
    /// hung up). Runs once. Default: logs a failure.
    virtual void on_said(std::error_code ec);

private:
    void finish(std::error_code ec);

    std::string text_;
    std::shared_ptr<TextToSpeech> engine_;
    SayOptions options_;
    std::vector<float> speech_;
    bool queued_ = false;
    bool hanging_up_ = false;
    std::optional<std::error_code> said_;
    asio::steady_timer tail_timer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // guards queued completions
};

}  // namespace voip::speech

namespace voip {
using speech::SayCall;
}  // namespace voip
