#pragma once
/// @file
/// audio::AudioCall: an rtp::Session that speaks and hears. It negotiates a codec from the
/// SDP offer/answer result, decodes every packet through a jitter buffer to float32 mono at
/// one rate (16 kHz by default) and hands each 20 ms to on_audio(); send_audio() queues audio
/// that goes out encoded, paced on a drift-free 20 ms grid; DTMF goes both ways as RFC 4733
/// telephone-events.
///
/// @code
///   class Listener : public voip::AudioCall {
///       using AudioCall::AudioCall;
///       void on_audio(std::span<const float> samples, float rms) override { ... }
///       void on_dtmf(char digit, std::chrono::milliseconds duration) override { ... }
///   };
///   Listener call{mux};
///   call.open().value();
///   auto offer = voip::sdp::create_offer(call.local_media("192.0.2.1"), session).value();
///   ...                                          // the answer comes back
///   call.start_media(voip::sdp::apply_answer(offer, answer).value()).value();
///   call.send_audio(prompt.samples);             // or co_await call.send_audio(s, use_awaitable)
/// @endcode
///
/// Silence: while nothing is queued the call keeps sending encoded digital silence, one packet
/// per 20 ms (as most phones do without VAD/DTX), so the RTP timestamp advances with the
/// clock, the far end's jitter buffer and RTCP stay fed, and NATs stay open. The first packet
/// of queued audio after silence carries the marker bit (RFC 3551 §4.1).
///
/// Clock: every call of an io_context is ticked by that io_context's one audio::MediaClock
/// (one timer for all calls, not one per call); a call attaches in start_media() and detaches
/// in stop_media() or its destructor. Its sending runs on its own audio::Pacer started on the
/// shared grid, so calls started at different moments send in the same wake-ups (phase
/// aligned, first packet at most 20 ms after start_media()) while each keeps its own
/// continuous RTP timestamps.
///
/// Threading: everything on the multiplexer's io_context, like rtp::Session.

#include <voip/audio/error.hpp>
#include <voip/audio/media_clock.hpp>
#include <voip/audio/pacer.hpp>
#include <voip/codec/codec.hpp>
#include <voip/codec/opus.hpp>
#include <voip/codec/registry.hpp>
#include <voip/codec/resampler.hpp>
#include <voip/codec/telephone_event.hpp>
#include <voip/result.hpp>
#include <voip/rtp/jitter_buffer.hpp>
#include <voip/rtp/session.hpp>
#include <voip/sdp/offer_answer.hpp>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace voip::audio {

struct AudioConfig {
    /// Rate of the audio on_audio() delivers and send_audio() takes.
    std::uint32_t sample_rate = 16000;
    /// The RTP session underneath (its clock_rate is replaced by the negotiated codec's in
    /// start_media(), for RTCP jitter and sender reports).
    rtp::SessionConfig session{};
    /// The codecs we can use; null = codec::Registry::with_defaults(opus).
    std::shared_ptr<const codec::Registry> registry;
    /// Opus tuning for the default registry (16 kHz internally: no resampling in a 16 kHz call).
    codec::OpusConfig opus{.sample_rate = 16000};
    /// The jitter buffer (clock_rate and frame are set from the negotiated codec).
    rtp::JitterBuffer::Config jitter{};
    /// Packets sent on one wake-up beyond the one due, after the timer was late.
    std::size_t max_catch_up = 2;
    /// Lost frames concealed (codec PLC) before the gap is played as silence.
    std::size_t max_concealed_frames = 5;
    /// Offer RFC 4733 telephone-event for DTMF.
    bool telephone_event = true;
    /// Suite of the SDES key local_media() generates when SRTP is asked for.
    std::string srtp_suite = "AES_CM_128_HMAC_SHA1_80";
    /// Queued outbound audio beyond this (seconds at sample_rate) is refused (bounded memory).
    std::chrono::seconds max_queued{120};
};

/// What the call measured, beside rtp::Session::stats().
struct AudioStats {
    std::string codec;  ///< negotiated encoding name, empty before start_media()
    std::uint32_t clock_rate = 0;
    std::uint64_t frames_sent = 0;         ///< audio packets (speech and silence)
    std::uint64_t speech_frames_sent = 0;  ///< packets carrying queued audio
    std::uint64_t dtmf_packets_sent = 0;
    std::uint64_t frames_held = 0;    ///< packet times not sent: the direction forbids sending
    std::uint64_t ticks_skipped = 0;  ///< pacing grid points dropped after stalls
    std::uint64_t frames_decoded = 0;
    std::uint64_t frames_concealed = 0;
    std::uint64_t frames_recovered =
        0;  ///< lost frames decoded from the next packet's FEC (Opus: PLC if it has none)
    std::uint64_t decode_errors = 0;
    std::uint64_t unknown_payload_types = 0;
    std::uint64_t dtmf_received = 0;
    std::chrono::microseconds jitter{0};  ///< jitter buffer's RFC 3550 §A.8 estimate
    rtp::JitterBuffer::Statistics jitter_buffer{};
};

class AudioCall : public rtp::Session {
public:
    explicit AudioCall(rtp::Multiplexer& mux, AudioConfig config = {});
    ~AudioCall() override;
    AudioCall(const AudioCall&) = delete;
    AudioCall& operator=(const AudioCall&) = delete;
    AudioCall(AudioCall&&) = delete;
    AudioCall& operator=(AudioCall&&) = delete;

    /// Our side for sdp::create_offer / create_answer: the open RTP port at @p address, the
    /// codecs of codec_preference() that the registry has (+ telephone-event), and with
    /// @p crypto other than off a fresh SDES key of AudioConfig::srtp_suite.
    /// Throws std::logic_error if the session is not open (programmer error).
    [[nodiscard]] Result<sdp::LocalMedia> local_media(
        const std::string& address, sdp::CryptoPolicy crypto = sdp::CryptoPolicy::off) const;

    /// Starts the media as agreed: codec encoder/decoder, remote addresses, SRTP keys, RTCP,
    /// and attaches the call to the io_context's 20 ms audio::MediaClock. Errors:
    /// codec::Errc::unknown_codec, srtp errors for bad keys, asio errors for a bad remote address.
    Result<void> start_media(const sdp::Negotiated& negotiated);
    /// Detaches from the clock and stops the RTP session (RTCP BYE); pending send_audio operations
    /// complete with asio::error::operation_aborted. Idempotent.
    void stop_media();
    [[nodiscard]] bool media_started() const noexcept { return started_; }
    /// Applies a re-negotiation (re-INVITE: hold/resume, RFC 3264 §8.4) to the running media:
    /// - the direction, from our side: not allowed to send (recvonly, inactive, or the old
    ///   c=0.0.0.0 hold) → no RTP goes out, but the 20 ms clock keeps running and the RTP
    ///   timestamp keeps advancing with time, so sending resumes on the same timestamp line;
    ///   queued send_audio() audio WAITS (nothing is lost, pending completions complete when it
    ///   has really been sent; cancel_outbound_audio() drops it), DTMF is refused
    ///   (Errc::direction_forbids) and a digit still playing is cut short. Not allowed to
    ///   receive (sendonly, inactive) → far-end packets are ignored, the jitter buffer is
    ///   emptied and on_audio() pauses until packets arrive after a resume;
    /// - a changed remote address/port (and RTCP address) is applied;
    /// - changed payload type numbers (same codec) are applied.
    /// Errors (nothing changed): Errc::not_started, Errc::bad_remote_address,
    /// Errc::codec_changed when the codec itself changed (not supported: stop_media() and
    /// start_media() again).
    Result<void> update_media(const sdp::Negotiated& negotiated);
    /// The direction in force, from our side (sendrecv before start_media()).
    [[nodiscard]] sdp::Direction media_direction() const noexcept { return direction_; }

    /// Queues @p samples (at AudioConfig::sample_rate) to be sent after what is queued.
    /// Audio beyond AudioConfig::max_queued is dropped (and logged); so is audio sent before
    /// start_media() (the asynchronous form completes with Errc::not_started).
    void send_audio(std::span<const float> samples);
    /// Same, taking the samples over: no copy when AudioConfig::sample_rate is the codec's.
    void send_audio(std::vector<float>&& samples);
    /// Same, sharing @p samples with other calls (a prompt or announcement played to many
    /// callers): when AudioConfig::sample_rate is the codec's, the call queues a reference and
    /// holds it until the last frame was sent, instead of a copy per call; otherwise the samples
    /// are resampled into a copy. The samples must not change while queued (they are const).
    /// A null pointer is a programmer error (std::invalid_argument).
    void send_audio(std::shared_ptr<const std::vector<float>> samples);
    /// Same, as an asynchronous operation that completes (void(std::error_code)) when the last
    /// of these samples has been sent, or with operation_aborted on cancel/stop. The samples
    /// are copied when the operation starts. Any completion token (callbacks, use_awaitable,
    /// use_future).
    template <class CompletionToken>
    auto send_audio(std::span<const float> samples, CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler, std::span<const float> s) {
                auto executor = asio::get_associated_executor(handler, context().get_executor());
                auto shared = std::make_shared<decltype(handler)>(std::move(handler));
                enqueue(s, [shared, executor](std::error_code ec) {
                    asio::post(executor, [shared, ec] { std::move (*shared)(ec); });
                });
            },
            token, samples);
    }
    /// Drops everything queued; pending operations complete with operation_aborted.
    void cancel_outbound_audio();
    /// Samples (at AudioConfig::sample_rate) still waiting to be sent.
    [[nodiscard]] std::size_t queued_samples() const noexcept;

    /// Sends a DTMF digit ('0'-'9', '*', '#', 'A'-'D') as RFC 4733 events after any digit
    /// still playing; queued audio waits meanwhile. Errors: codec::Errc::invalid_parameter
    /// for a bad digit or duration, audio::Errc::no_telephone_event, audio::Errc::not_started.
    Result<void> send_dtmf(char digit,
                           std::chrono::milliseconds duration = std::chrono::milliseconds{100});

    [[nodiscard]] AudioStats audio_stats() const;
    [[nodiscard]] const AudioConfig& audio_config() const noexcept { return config_; }
    /// The negotiated codec's format (sample rate, clock rate), once started.
    [[nodiscard]] const codec::Format* codec_format() const noexcept;
    /// The SRTP suite in use, empty for plain RTP.
    [[nodiscard]] const std::string& srtp_suite() const noexcept { return srtp_suite_; }

protected:
    /// Codec encoding names in preference order (offer and answer order). Override per class.
    [[nodiscard]] virtual std::vector<std::string> codec_preference() const;
    /// 20 ms of decoded far-end audio (silence while the far end's packets are missing once
    /// they started), at AudioConfig::sample_rate, with its RMS.
    virtual void on_audio(std::span<const float> samples, float rms);
    /// A DTMF digit arrived (RFC 4733), once per key press, in order.
    virtual void on_dtmf(char digit, std::chrono::milliseconds duration);
    /// The last queued audio has been sent.
    virtual void on_audio_sent();
    /// For a subclass whose on_audio() writes into memory of its own (VoiceActivityCall: the
    /// utterance it collects): where the next on_audio() will write, so that the call
    /// prefetches it ahead of its next tick (with hundreds of calls it is long out of cache by
    /// then). A hint: any span, empty for none.
    void note_next_audio_write(std::span<const std::byte> where) noexcept {
        next_audio_write_ = where;
    }

    void on_packet(const rtp::PacketView& packet) override;
    void prefetch_receive_state() const noexcept override;

private:
    using Completion = std::function<void(std::error_code)>;
    struct Pending {
        std::uint64_t end;  // sent_samples_ value at which it is complete
        Completion done;
    };

    // Forwards the shared clock's ticks (a member, so the hook is not part of the class API).
    class ClockLink final : public MediaClock::Subscriber {
    public:
        explicit ClockLink(AudioCall& call) noexcept : call_(call) {}
        void on_media_tick(MediaClock::Clock::time_point now) override { call_.on_tick(now); }
        void prepare_media_tick() noexcept override { call_.prepare_tick(); }

    private:
        AudioCall& call_;
    };

    void enqueue(std::span<const float> samples, Completion done);
    void enqueue_converted(std::shared_ptr<const std::vector<float>> samples, Completion done);
    [[nodiscard]] std::span<const float> next_outbound_frame();
    void pop_front_chunk();
    void reset_jitter_buffer();
    void on_tick(MediaClock::Clock::time_point now);
    void prepare_tick() const noexcept;
    void send_tick(MediaClock::Clock::time_point now);
    void playout_tick();
    [[nodiscard]] std::span<float> decode(const rtp::JitterBuffer::Frame& frame);
    [[nodiscard]] bool quiet(float level) const noexcept;
    void note_level(float level) noexcept;
    void finish_pending(std::error_code ec);
    void apply_direction(sdp::Direction direction, bool remote_unspecified);
    void skip_tick();
    [[nodiscard]] std::uint32_t peek_next_timestamp() const;

    AudioConfig config_;
    std::shared_ptr<const codec::Registry> registry_;

    // Negotiated.
    std::optional<codec::Format> format_;
    sdp::PayloadFormat codec_;  // as negotiated (to tell a codec change in update_media)
    std::string srtp_suite_;
    sdp::Direction direction_ = sdp::Direction::sendrecv;  // from our side

    // What a tick touches comes first after the clock's link, within the bytes the clock
    // prefetches from there (MediaClock::prefetched_object_bytes), the statistics included: a
    // tick with hundreds of calls then finds it in cache instead of waiting for each line in
    // turn. prepare_tick() reads only from here.
    ClockLink clock_link_{*this};
    Pacer pacer_;
    bool started_ = false;
    bool may_receive_ = true;  // direction sendrecv/recvonly
    bool receiving_ = false;   // the first packet arrived
    std::uint8_t receive_pt_ = 0;
    std::optional<std::uint8_t> dtmf_pt_;
    bool may_send_ = true;  // direction sendrecv/sendonly and a remote address to send to
    bool talking_ = false;  // the previous packet carried queued audio
    std::uint8_t send_pt_ = 0;
    std::uint32_t timestamp_increment_ = 0;  // per packet: format_->timestamp_increment()
    std::uint32_t media_timestamp_ = 0;      // RTP timestamp of the packet time being sent
    MediaClock& clock_;
    std::unique_ptr<codec::Encoder> encoder_;
    std::unique_ptr<codec::Decoder> decoder_;
    // What is left to send of outbound_.front() (below), kept here so that a tick reads the
    // samples without chasing the queue's pointers (two dependent cache misses per call and
    // tick with hundreds of calls). Empty with a chunk queued: its last frame went out on the
    // previous tick and it is dropped on the next.
    std::span<const float> front_;
    // Per packet time, at the codec's rate: frame_.size(), kept here because frame_ lies
    // outside the prefetched block and every tick needs the number.
    std::size_t frame_samples_ = 0;
    std::size_t payload_room_ = 0;  // bytes the encoder may write (in the clock's scratch)
    std::size_t decode_room_ = 0;   // samples a decode may write: a frame, grown for longer packets
    std::optional<rtp::JitterBuffer> jitter_;

    // Sending. Queued audio stays in the chunks send_audio() made (at the codec's sample rate):
    // no copy into a sample queue, memory only for what is queued. Vectors, not deques: an
    // empty std::deque still allocates its first node, and a call rarely queues more than two.
    // Shared, because a chunk may be one prompt that many calls play at once: one copy in
    // memory (and in cache) instead of one per call.
    std::vector<std::shared_ptr<const std::vector<float>>> outbound_;
    std::size_t outbound_samples_ = 0;  // samples queued in all chunks
    std::vector<Pending> pending_;
    std::uint64_t queued_samples_ = 0;  // total ever queued (codec rate)
    std::uint64_t sent_samples_ = 0;    // total ever sent (codec rate)
    std::optional<codec::DtmfSender> dtmf_sender_;
    AudioStats stats_;
    // Where the next tick writes outside the call's own lines, noted by this tick while those
    // places were in cache, so that prepare_tick() prefetches them without loading anything
    // first: the decoder's state (Decoder::next_state_write) and what on_audio() fills
    // (note_next_audio_write). Hints: they may go stale, and a prefetch of anything is harmless.
    std::span<const std::byte> next_decoder_write_;
    std::span<const std::byte> next_audio_write_;
    // End of the per-tick block.

    std::vector<float> frame_;  // a frame pieced together from chunks, or padded

    // Receiving (and jitter_ above).
    std::optional<codec::DtmfReceiver> dtmf_receiver_;
    std::optional<codec::Resampler> playout_resampler_;  // only when the rates differ
    std::vector<float> playout_;  // resampled frame (empty when no resampler)
    std::size_t concealed_run_ = 0;
    // Where the jitter buffer may shrink: the received level's floor over the last second.
    static constexpr std::uint32_t level_window = 50;  // frames
    float level_floor_ = 0;
    float window_min_level_ = std::numeric_limits<float>::max();
    std::uint32_t level_frames_ = 0;
    bool previous_quiet_ = false;
};

}  // namespace voip::audio

namespace voip {
using audio::AudioCall;
using audio::AudioConfig;
}  // namespace voip
