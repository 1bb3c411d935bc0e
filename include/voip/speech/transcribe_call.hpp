#pragma once
/// @file
/// speech::TranscribeCall: a VoiceActivityCall that turns each utterance into text. Every
/// utterance goes to a SpeechToText engine (PocketSphinx by default) on a worker thread, off
/// the I/O thread; the text comes back to the call's io_context and on_transcription() runs
/// there, one call per utterance, in order.
///
/// @code
///   class Printer : public voip::TranscribeCall {
///       using TranscribeCall::TranscribeCall;
///       void on_transcription(std::string text) override { fmt::print("heard: {}\n", text); }
///   };
///   dialog.accept<Printer>(stt);            // stt: a shared std::shared_ptr<SpeechToText>
/// @endcode
///
/// Lifetime: the call may end (stop_media) or be destroyed while a transcription is in
/// flight; a result for a destroyed call is dropped, a stopped call still gets it. Each
/// transcription in flight holds work on the io_context, so io_context::run() returns only
/// after it is done: keep the io_context alive until then.
///
/// Narrowband: the default (en-us) model is wideband; a call that negotiated an 8 kHz codec
/// (PCMU, PCMA) is transcribed poorly or not at all, and start_media() logs a warning.

#include <voip/audio/voice_activity_call.hpp>
#include <voip/result.hpp>
#include <voip/speech/speech_to_text.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>

namespace voip::speech {

class TranscribeCall : public audio::VoiceActivityCall {
public:
    /// @p engine null = default_speech_to_text() (loads PocketSphinx's model on first use:
    /// about half a second on this thread; pass a shared engine to avoid it).
    explicit TranscribeCall(rtp::Multiplexer& mux, std::shared_ptr<SpeechToText> engine = {},
                            audio::AudioConfig config = {}, audio::VoiceDetectorConfig voice = {});
    ~TranscribeCall() override;
    TranscribeCall(const TranscribeCall&) = delete;
    TranscribeCall& operator=(const TranscribeCall&) = delete;
    TranscribeCall(TranscribeCall&&) = delete;
    TranscribeCall& operator=(TranscribeCall&&) = delete;

    /// AudioCall::start_media, then a warning when the codec samples at less than 16 kHz.
    /// It hides AudioCall's (not virtual): call it on this type, as sip::Dialog does.
    Result<void> start_media(const sdp::Negotiated& negotiated);

    /// The negotiated codec samples at 8 kHz or less (see the file comment).
    [[nodiscard]] bool narrowband() const noexcept;
    /// Utterances handed to the engine whose result has not come back yet.
    [[nodiscard]] std::size_t transcriptions_pending() const noexcept { return pending_; }
    /// Results delivered to on_transcription().
    [[nodiscard]] std::uint64_t transcriptions() const noexcept { return delivered_; }
    /// Utterances the engine failed on (on_transcription_error()).
    [[nodiscard]] std::uint64_t transcription_errors() const noexcept { return errors_; }

protected:
    /// Hands the utterance to the engine on the worker thread.
    void on_voice(audio::AudioFrame utterance) override;
    /// The text of one utterance (lower-case words; empty when nothing was recognised).
    /// Default: logs it (info).
    virtual void on_transcription(std::string text);
    /// The engine failed on an utterance (or there is no engine). Default: logs a warning.
    virtual void on_transcription_error(std::error_code ec);

private:
    void deliver(Result<std::string> result);

    std::shared_ptr<SpeechToText> engine_;
    std::error_code engine_error_;
    std::size_t pending_ = 0;
    std::uint64_t delivered_ = 0;
    std::uint64_t errors_ = 0;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // results for a dead call dropped
};

}  // namespace voip::speech

namespace voip {
using speech::TranscribeCall;
}  // namespace voip
