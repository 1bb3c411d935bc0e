#include <voip/audio/audio_call.hpp>
#include <voip/codec/error.hpp>
#include <voip/codec/samples.hpp>
#include <voip/log.hpp>
#include <voip/sdp/crypto.hpp>
#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>
#include <voip/srtp/transform.hpp>

#include <asio/error.hpp>
#include <asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/prefetch.hpp"

namespace voip::audio {
namespace {

constexpr std::string_view component = "audio";
constexpr std::chrono::milliseconds packet_time{20};

std::shared_ptr<const codec::Registry> registry_for(const AudioConfig& config) {
    if (config.registry) return config.registry;
    return std::make_shared<const codec::Registry>(codec::Registry::with_defaults(config.opus));
}

bool same_codec(const sdp::PayloadFormat& a, const sdp::PayloadFormat& b) {
    const auto lower = [](unsigned char c) { return std::tolower(c); };
    return a.clock_rate == b.clock_rate && a.channels == b.channels &&
           std::ranges::equal(a.name, b.name, {}, lower, lower);
}

struct Remote {
    asio::ip::udp::endpoint rtp;
    std::optional<asio::ip::udp::endpoint> rtcp;
};

Result<Remote> remote_of(const sdp::Negotiated& negotiated) {
    std::error_code ec;
    const auto address = asio::ip::make_address(negotiated.remote_address, ec);
    if (ec) return Errc::bad_remote_address;
    Remote r{asio::ip::udp::endpoint(address, negotiated.remote_port), std::nullopt};
    if (negotiated.remote_rtcp_port != 0) {
        const auto rtcp_address = negotiated.remote_rtcp_address.empty()
                                      ? address
                                      : asio::ip::make_address(negotiated.remote_rtcp_address, ec);
        if (ec) return Errc::bad_remote_address;
        r.rtcp = asio::ip::udp::endpoint(rtcp_address, negotiated.remote_rtcp_port);
    }
    return r;
}

Result<srtp::KeyMaterial> key_of(srtp::Suite suite, const sdp::Crypto& crypto) {
    if (crypto.keys.empty()) return srtp::Errc::bad_key_params;
    return srtp::KeyMaterial::from_inline(suite, "inline:" + crypto.keys.front().key_salt);
}

}  // namespace

AudioCall::AudioCall(rtp::Multiplexer& mux, AudioConfig config)
    : Session(mux, config.session),
      config_(std::move(config)),
      registry_(registry_for(config_)),
      pacer_(packet_time, config_.max_catch_up),
      clock_(MediaClock::of(mux.context())) {
    if (config_.sample_rate == 0) throw std::invalid_argument("AudioCall: zero sample rate");
}

AudioCall::~AudioCall() {
    try {
        stop_media();
    } catch (const std::exception& e) {  // the RTCP BYE path can throw; a destructor must not
        log::warning(component, "stop on destruction failed: {}", e.what());
    }
}

std::vector<std::string> AudioCall::codec_preference() const {
    return {"opus", "G722", "PCMU", "PCMA"};
}

Result<sdp::LocalMedia> AudioCall::local_media(const std::string& address,
                                               sdp::CryptoPolicy crypto) const {
    if (!is_open()) throw std::logic_error("AudioCall::local_media: open() the session first");
    sdp::LocalMedia m;
    m.address = address;
    m.port = local_ports().rtp.port();
    m.rtcp_mux = config().rtcp_mux;
    std::vector<std::uint32_t> clock_rates;
    for (const auto& name : codec_preference()) {
        const auto codec = registry_->find(name);
        if (!codec) continue;
        const codec::Format& f = codec->format();
        std::optional<std::uint8_t> pt;
        if (f.payload_type >= 0 && f.payload_type < 128)
            pt = static_cast<std::uint8_t>(f.payload_type);
        m.codecs.emplace_back(f.encoding_name, f.clock_rate, f.channels, f.fmtp, pt);
        if (std::find(clock_rates.begin(), clock_rates.end(), f.clock_rate) == clock_rates.end()) {
            clock_rates.push_back(f.clock_rate);
        }
    }
    if (config_.telephone_event) {
        // RFC 4733 §2.1: telephone-event runs at the clock rate of the audio codec, so one
        // per clock rate offered.
        for (const auto rate : clock_rates) {
            const auto f = codec::telephone_event_format(rate, rate == 8000 ? 101 : -1);
            std::optional<std::uint8_t> pt;
            if (f.payload_type >= 0) pt = static_cast<std::uint8_t>(f.payload_type);
            m.codecs.emplace_back(f.encoding_name, rate, 1, f.fmtp, pt);
        }
    }
    if (crypto != sdp::CryptoPolicy::off) {
        auto line = sdp::Crypto::generate(1, config_.srtp_suite);
        if (!line) return line.error();
        m.crypto_policy = crypto;
        m.crypto.push_back(std::move(*line));
    }
    return m;
}

Result<void> AudioCall::start_media(const sdp::Negotiated& negotiated) {
    if (started_) return Errc::already_started;
    const auto codec = registry_->find(negotiated.codec.name, negotiated.codec.clock_rate);
    if (!codec) return codec::Errc::unknown_codec;
    const auto fmtp = codec::Fmtp::parse(negotiated.codec.fmtp);
    auto encoder = codec->make_encoder(fmtp);
    if (!encoder) return encoder.error();
    auto decoder = codec->make_decoder(fmtp);
    if (!decoder) return decoder.error();

    const auto remote = remote_of(negotiated);
    if (!remote) return remote.error();

    std::unique_ptr<srtp::Transform> transform;
    if (negotiated.srtp) {
        const auto suite = srtp::suite_from_string(negotiated.srtp->suite);
        if (!suite) return suite.error();
        auto local = key_of(*suite, negotiated.srtp->local);
        if (!local) return local.error();
        auto remote = key_of(*suite, negotiated.srtp->remote);
        if (!remote) return remote.error();
        auto t = srtp::Transform::create(*local, *remote);
        if (!t) return t.error();
        transform = std::move(*t);
    }

    auto resampler = codec::Resampler::create(codec->format().sample_rate, config_.sample_rate);
    if (!resampler) return resampler.error();

    // Everything checked: commit.
    format_ = codec->format();
    codec_ = negotiated.codec;
    encoder_ = std::move(*encoder);
    decoder_ = std::move(*decoder);
    send_pt_ = negotiated.codec.payload_type;
    receive_pt_ = negotiated.receive_payload_type;
    apply_direction(negotiated.direction, remote->rtp.address().is_unspecified());
    if (negotiated.telephone_event) {
        dtmf_pt_ = negotiated.telephone_event->payload_type;
        dtmf_sender_.emplace(negotiated.telephone_event->clock_rate, packet_time);
        dtmf_receiver_.emplace(negotiated.telephone_event->clock_rate);
    }
    set_remote(remote->rtp, remote->rtcp);
    // RFC 3550 §A.8 jitter and the SR's RTP time run at the payload's clock (48000 for Opus).
    set_clock_rate(format_->clock_rate);
    if (transform) {
        srtp_suite_ = negotiated.srtp->suite;
        set_transform(std::move(transform));
    }
    reset_jitter_buffer();
    // The resampler (speexdsp state and filter) only exists when the rates differ.
    if (format_->sample_rate != config_.sample_rate) {
        playout_resampler_.emplace(std::move(*resampler));
    } else {
        playout_resampler_.reset();
    }
    frame_samples_ = format_->samples_per_frame();
    timestamp_increment_ = format_->timestamp_increment();
    frame_.assign(frame_samples_, 0.0F);
    payload_room_ = encoder_->max_payload_size();
    // One frame: what the negotiated packet time decodes to. A far end that sends longer
    // packets makes decode() grow it once (up to the decoder's maximum).
    decode_room_ = frame_samples_;
    stats_.codec = format_->encoding_name;
    stats_.clock_rate = format_->clock_rate;

    media_timestamp_ = next_timestamp();
    start();  // RTCP
    started_ = true;
    // The shared clock's next grid point (at once if it was idle): packet 0 is due there.
    pacer_.start(clock_.attach(clock_link_));
    log::debug(component, "media started: {} PT {} to {}:{}{}", format_->encoding_name, send_pt_,
               negotiated.remote_address, negotiated.remote_port,
               srtp_suite_.empty() ? "" : " (SRTP)");
    return {};
}

Result<void> AudioCall::update_media(const sdp::Negotiated& negotiated) {
    if (!started_) return Errc::not_started;
    if (!same_codec(negotiated.codec, codec_)) return Errc::codec_changed;
    const auto remote = remote_of(negotiated);
    if (!remote) return remote.error();

    // Everything checked: commit.
    send_pt_ = negotiated.codec.payload_type;
    receive_pt_ = negotiated.receive_payload_type;
    codec_ = negotiated.codec;
    if (negotiated.telephone_event) {
        dtmf_pt_ = negotiated.telephone_event->payload_type;
        if (!dtmf_sender_)
            dtmf_sender_.emplace(negotiated.telephone_event->clock_rate, packet_time);
        if (!dtmf_receiver_) dtmf_receiver_.emplace(negotiated.telephone_event->clock_rate);
    } else {
        dtmf_pt_.reset();
        dtmf_sender_.reset();
        dtmf_receiver_.reset();
    }
    // RFC 3264 §8.4: hold is signalled by the direction; the old RFC 2543 way, c=0.0.0.0,
    // leaves nowhere to send to, so the address is kept and sending paused.
    const bool unspecified = remote->rtp.address().is_unspecified();
    if (!unspecified) set_remote(remote->rtp, remote->rtcp);
    apply_direction(negotiated.direction, unspecified);
    log::debug(component, "media updated: {} to {}:{}", sdp::to_string(direction_),
               negotiated.remote_address, negotiated.remote_port);
    return {};
}

void AudioCall::apply_direction(sdp::Direction direction, bool remote_unspecified) {
    direction_ = direction;
    const bool was_receiving = may_receive_;
    // RFC 3264 §5.1/§6.1: sdp::Negotiated::direction is already from our side (an offered
    // sendonly is recvonly on the answerer's side), so it says what WE may do.
    may_send_ = !remote_unspecified &&
                (direction == sdp::Direction::sendrecv || direction == sdp::Direction::sendonly);
    may_receive_ = direction == sdp::Direction::sendrecv || direction == sdp::Direction::recvonly;
    if (!may_send_) {
        talking_ = false;  // the first audio after the pause starts a talkspurt
        // A digit still playing is cut short (its end could not be announced anyway).
        if (dtmf_sender_ && dtmf_sender_->active()) {
            dtmf_sender_.emplace(format_->clock_rate, packet_time);
        }
    }
    if (was_receiving && !may_receive_ && jitter_) {
        // Drop what was buffered: after a resume the far end's packets start afresh (a new
        // timestamp line as far as the buffer is concerned), on_audio() restarts with them.
        reset_jitter_buffer();
        receiving_ = false;
        concealed_run_ = 0;
    }
}

void AudioCall::reset_jitter_buffer() {
    auto jitter = config_.jitter;
    jitter.clock_rate = format_->clock_rate;
    jitter.frame = packet_time;
    jitter_.emplace(jitter);
}

void AudioCall::stop_media() {
    if (!started_) return;
    started_ = false;
    clock_.detach(clock_link_);
    outbound_.clear();
    front_ = {};
    outbound_samples_ = 0;
    sent_samples_ = queued_samples_;
    finish_pending(asio::error::operation_aborted);
    stop();
}

const codec::Format* AudioCall::codec_format() const noexcept {
    return format_ ? &*format_ : nullptr;
}

void AudioCall::on_tick(MediaClock::Clock::time_point now) {
    // The pacer is on the clock's grid, so this is normally 1; after a stall, the due packet
    // plus at most max_catch_up missed ones (the rest skipped), as with a timer of our own.
    const std::size_t due = pacer_.due(now);
    // The port's state is apart from the session's (prefetched by prepare_tick): asked for now,
    // it arrives while the frame is encoded.
    if (due > 0 && may_send_) prefetch_send_path();
    for (std::size_t i = 0; i < due && started_; ++i) {
        send_tick(now);
        playout_tick();
    }
    stats_.ticks_skipped = pacer_.skipped();
}

void AudioCall::prepare_tick() const noexcept {
    // MediaClock calls this while it ticks the call ahead of this one (an encode and a send
    // through the kernel: microseconds), so that with hundreds of calls this one's tick finds
    // its data in cache instead of waiting for each line in turn. Hints only.
    if (!started_) return;
    using detail::prefetch_lines;
    using detail::PrefetchFor;
    constexpr std::size_t line = 64;
    prefetch_packet_state();
    prefetch_lines(encoder_.get(), line);
    prefetch_lines(decoder_.get(), 2 * line, PrefetchFor::write);
    if (jitter_) jitter_->prefetch_next();
    // The bulk of it last and into the outer caches: the next 20 ms of queued audio, and the
    // places the tick will write noted by the tick before (the decoder's concealment history,
    // on_audio()'s sink).
    prefetch_lines(front_.data(), std::min(front_.size(), frame_samples_) * sizeof(float),
                   PrefetchFor::bulk);
    prefetch_lines(next_decoder_write_.data(), next_decoder_write_.size(), PrefetchFor::bulk);
    prefetch_lines(next_audio_write_.data(), next_audio_write_.size(), PrefetchFor::bulk);
}

void AudioCall::prefetch_receive_state() const noexcept {
    // What on_packet() reads and writes, from the flags through the jitter buffer, and the
    // buffer's slot for the next packet in sequence: with hundreds of calls all of it is cold
    // when the packet comes; asked for now, it arrives during the read of the datagram.
    const auto* begin = reinterpret_cast<const char*>(&started_);
    const auto* end = reinterpret_cast<const char*>(&jitter_ + 1);
    detail::prefetch_lines(begin, static_cast<std::size_t>(end - begin),
                           detail::PrefetchFor::write);
    if (started_ && jitter_) jitter_->prefetch_arrival();
}

std::uint32_t AudioCall::peek_next_timestamp() const {
    // The timestamp the next packet will need: the start of a DTMF event that will be on the
    // wire then (RFC 4733 §2.5.1.2: all packets of an event carry its start), else the media
    // clock. The sender is a small value type, so a copy predicts it exactly.
    if (dtmf_sender_ && dtmf_sender_->active()) {
        auto copy = *dtmf_sender_;
        if (const auto p = copy.next()) return p->timestamp;
    }
    return media_timestamp_;
}

void AudioCall::send_tick(MediaClock::Clock::time_point now) {
    if (!encoder_) return;
    if (!may_send_) {
        skip_tick();
        return;
    }
    const std::uint32_t increment = timestamp_increment_;
    // rtp::Session stamps a packet with its running timestamp and then advances it by what we
    // say; each packet's advance is chosen so that the next packet gets the timestamp it needs.
    const std::uint32_t timestamp = next_timestamp();

    if (dtmf_sender_ && dtmf_sender_->active()) {
        if (const auto p = dtmf_sender_->next()) {
            media_timestamp_ += increment;
            const auto payload = p->payload();
            const auto sent =
                send_packet(payload, *dtmf_pt_, p->marker, peek_next_timestamp() - timestamp, now);
            if (sent) ++stats_.dtmf_packets_sent;
            talking_ = false;  // audio after the digit starts a new talkspurt
            return;
        }
    }

    const std::size_t take = std::min(outbound_samples_, frame_samples_);
    const std::span<const float> frame = next_outbound_frame();
    const bool speech = take > 0;

    media_timestamp_ += increment;
    const std::span<std::uint8_t> payload = clock_.byte_scratch(payload_room_);
    const auto size = encoder_->encode(frame, payload);
    if (size) {
        // RFC 3551 §4.1: the marker bit flags the first packet of a talkspurt.
        const bool marker = speech && !talking_;
        // Dated at the wake-up that sends it (RTCP SR timing), not with a clock read of its own.
        const auto sent = send_packet(payload.first(*size), send_pt_, marker,
                                      peek_next_timestamp() - timestamp, now);
        if (sent) {
            ++stats_.frames_sent;
            if (speech) ++stats_.speech_frames_sent;
        }
    } else {
        log::warning(component, "encode failed: {}", size.error().message());
    }
    talking_ = speech;
    if (!speech) return;
    sent_samples_ += take;
    while (!pending_.empty() && pending_.front().end <= sent_samples_) {
        auto done = std::move(pending_.front().done);
        pending_.erase(pending_.begin());
        done(std::error_code{});
    }
    if (outbound_samples_ == 0) on_audio_sent();
}

std::span<const float> AudioCall::next_outbound_frame() {
    const std::size_t size = frame_samples_;
    // A chunk whose last frame went out on the previous tick (it was encoded in place).
    if (front_.empty() && !outbound_.empty()) pop_front_chunk();
    // The common case, a whole frame inside the front chunk: encode it where it is (the chunk
    // stays queued until the next tick, so the span outlives the encode).
    if (front_.size() >= size) {
        const std::span<const float> frame = front_.first(size);
        front_ = front_.subspan(size);
        outbound_samples_ -= size;
        return frame;
    }
    // Across chunk boundaries, or the last partial frame (padded with silence), or silence.
    std::size_t taken = 0;
    while (taken < size && !outbound_.empty()) {
        if (front_.empty()) {
            pop_front_chunk();
            continue;
        }
        const std::size_t n = std::min(size - taken, front_.size());
        std::copy_n(front_.begin(), n, frame_.begin() + static_cast<std::ptrdiff_t>(taken));
        taken += n;
        front_ = front_.subspan(n);
    }
    outbound_samples_ -= taken;
    std::fill(frame_.begin() + static_cast<std::ptrdiff_t>(taken), frame_.end(), 0.0F);
    return frame_;
}

void AudioCall::pop_front_chunk() {
    outbound_.erase(outbound_.begin());
    front_ = outbound_.empty() ? std::span<const float>{} : std::span(*outbound_.front());
}

void AudioCall::skip_tick() {
    // RFC 3550 §5.1: the timestamp advances with sampling time even when nothing is sent, so
    // the first packet after a resume carries the time it really belongs to. Nothing queued
    // is consumed during the pause, queued audio waits for the resume.
    media_timestamp_ += timestamp_increment_;
    skip_timestamp(media_timestamp_ - next_timestamp());
    ++stats_.frames_held;
}

void AudioCall::playout_tick() {
    if (!jitter_ || !receiving_) return;
    std::span<float> out = decode(jitter_->pop());
    // One level per frame, of the audio on_audio() gets: when the codec runs at the call's rate
    // that is the decoded frame; in a resampled call (PCMU in a 16 kHz call) it is measured
    // after resampling, and the codec-rate frame is measured only to judge a shrink.
    const bool resampled = playout_resampler_.has_value();
    float level = resampled ? 0.0F : codec::rms(out);
    // The jitter buffer has a frame of delay to spare: leave out this frame if it and the one
    // before are between words, and play the next in its place. Never mid-word: 20 ms cut out
    // of speech is audible and costs a recogniser words.
    if (jitter_->shrink_due() && previous_quiet_ && quiet(resampled ? codec::rms(out) : level)) {
        const auto extra = jitter_->pop_extra();
        if (extra.kind != rtp::JitterBuffer::Frame::Kind::buffering) {
            out = decode(extra);
            if (!resampled) level = codec::rms(out);
        }
    }
    if (resampled) {
        playout_.clear();
        playout_resampler_->process(out, playout_);
        out = playout_;
        level = codec::rms(out);
    }
    note_level(level);
    next_decoder_write_ = decoder_->next_state_write();
    on_audio(out, level);  // when the codec runs at the call's rate: the decoded frame, no copy
}

std::span<float> AudioCall::decode(const rtp::JitterBuffer::Frame& frame) {
    const std::size_t samples = frame_samples_;
    // Decoded into the clock's scratch (see MediaClock::sample_scratch): on_audio() gets it
    // for the duration of the call, as it always did.
    std::span<float> room = clock_.sample_scratch(decode_room_);
    std::span<float> out = room.first(samples);
    switch (frame.kind) {
        case rtp::JitterBuffer::Frame::Kind::audio: {
            auto n = decoder_->decode(frame.payload, room);
            if (!n && n.error() == codec::Errc::buffer_too_small &&
                decode_room_ < decoder_->max_samples_per_payload()) {
                // The far end sends longer packets than our packet time (decoders check the
                // room before touching their state): room for the decoder's maximum from now
                // on, and decode again.
                decode_room_ = decoder_->max_samples_per_payload();
                room = clock_.sample_scratch(decode_room_);
                out = room.first(samples);
                n = decoder_->decode(frame.payload, room);
            }
            if (n) {
                out = room.first(*n);
                ++stats_.frames_decoded;
                concealed_run_ = 0;
            } else {
                ++stats_.decode_errors;
                decoder_->conceal(out);
            }
            break;
        }
        case rtp::JitterBuffer::Frame::Kind::lost:
            if (!frame.next_payload.empty() && decoder_->has_fec()) {
                // RFC 7587 §3.3: the next packet is here and may carry this one's in-band
                // FEC (Opus LBRR); the decoder falls back to PLC when it carries none.
                decoder_->recover(frame.next_payload, out);
                ++stats_.frames_recovered;
                concealed_run_ = 0;
            } else if (concealed_run_ < config_.max_concealed_frames) {
                decoder_->conceal(out);  // codec PLC
                ++concealed_run_;
                ++stats_.frames_concealed;
            } else {
                std::fill(out.begin(), out.end(), 0.0F);
            }
            break;
        case rtp::JitterBuffer::Frame::Kind::buffering:
            std::fill(out.begin(), out.end(), 0.0F);
            break;
    }
    return out;
}

// Quiet: below -60 dBFS, or within twice the quietest frame of the last second when that is
// background noise (a noisy line stays above any fixed threshold). The floor counts only up to
// -46 dBFS: under a steady loud sound (a tone, music) the quietest frame is the sound itself.
bool AudioCall::quiet(float level) const noexcept {
    constexpr float silent = 0.001F;
    constexpr float noise_ceiling = 0.005F;
    return level <= std::max(silent, 2.0F * std::min(level_floor_, noise_ceiling));
}

void AudioCall::note_level(float level) noexcept {
    previous_quiet_ = quiet(level);
    window_min_level_ = std::min(window_min_level_, level);
    if (++level_frames_ == level_window) {
        level_floor_ = window_min_level_;
        window_min_level_ = std::numeric_limits<float>::max();
        level_frames_ = 0;
    }
}

void AudioCall::on_packet(const rtp::PacketView& packet) {
    // RFC 3264 §5.1: with sendonly/inactive from our side we do not take media in.
    if (!started_ || !may_receive_) return;
    const std::uint8_t pt = packet.payload_type();
    if (dtmf_pt_ && pt == *dtmf_pt_) {
        auto events =
            dtmf_receiver_->on_packet(packet.timestamp(), packet.marker(), packet.payload());
        if (!events) return;  // malformed: the receiver changed nothing
        for (const auto& e : *events) {
            ++stats_.dtmf_received;
            on_dtmf(e.digit, e.duration);
        }
        return;
    }
    if (pt != receive_pt_) {
        ++stats_.unknown_payload_types;
        return;
    }
    jitter_->push(packet, arrival_time());
    receiving_ = true;
}

void AudioCall::send_audio(std::span<const float> samples) {
    enqueue(samples, nullptr);
}

void AudioCall::send_audio(std::vector<float>&& samples) {
    if (started_ && format_->sample_rate == config_.sample_rate) {
        // Queued as it is, no copy of the samples.
        enqueue_converted(std::make_shared<const std::vector<float>>(std::move(samples)), nullptr);
        return;
    }
    enqueue(samples, nullptr);
}

void AudioCall::send_audio(std::shared_ptr<const std::vector<float>> samples) {
    if (!samples) throw std::invalid_argument("AudioCall::send_audio: null samples");
    if (started_ && format_->sample_rate == config_.sample_rate) {
        enqueue_converted(std::move(samples), nullptr);  // a reference, not a copy
        return;
    }
    enqueue(*samples, nullptr);
}

void AudioCall::enqueue(std::span<const float> samples, Completion done) {
    if (!started_) {
        log::debug(component, "send_audio before start_media: dropped");
        if (done) done(Errc::not_started);
        return;
    }
    if (format_->sample_rate == config_.sample_rate) {
        enqueue_converted(
            std::make_shared<const std::vector<float>>(samples.begin(), samples.end()),
            std::move(done));
        return;
    }
    auto converted = codec::resample(samples, config_.sample_rate, format_->sample_rate);
    if (!converted) {
        if (done) done(converted.error());
        return;
    }
    enqueue_converted(std::make_shared<const std::vector<float>>(std::move(*converted)),
                      std::move(done));
}

void AudioCall::enqueue_converted(std::shared_ptr<const std::vector<float>> samples,
                                  Completion done) {
    const auto limit =
        static_cast<std::uint64_t>(config_.max_queued.count()) * format_->sample_rate;
    if (outbound_samples_ + samples->size() > limit) {
        log::warning(component, "outbound queue full: {} samples dropped", samples->size());
        if (done) done(asio::error::no_buffer_space);
        return;
    }
    const std::size_t count = samples->size();
    queued_samples_ += count;
    outbound_samples_ += count;
    if (count > 0) {
        outbound_.push_back(std::move(samples));
        if (outbound_.size() == 1) front_ = std::span(*outbound_.front());
    }
    if (!done) return;
    if (count == 0) {
        done(std::error_code{});
        return;
    }
    pending_.push_back({queued_samples_, std::move(done)});
}

void AudioCall::cancel_outbound_audio() {
    outbound_.clear();
    front_ = {};
    outbound_samples_ = 0;
    sent_samples_ = queued_samples_;
    finish_pending(asio::error::operation_aborted);
}

std::size_t AudioCall::queued_samples() const noexcept {
    if (!format_) return 0;
    return static_cast<std::size_t>(static_cast<std::uint64_t>(outbound_samples_) *
                                    config_.sample_rate / format_->sample_rate);
}

void AudioCall::finish_pending(std::error_code ec) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& p : pending)
        p.done(ec);
}

Result<void> AudioCall::send_dtmf(char digit, std::chrono::milliseconds duration) {
    if (!started_) return Errc::not_started;
    if (!dtmf_sender_) return Errc::no_telephone_event;
    if (!may_send_) return Errc::direction_forbids;
    // The digit starts at the next packet time (its timestamp is what the media clock says
    // then, which is what the previous packet's advance arranged).
    return dtmf_sender_->send(digit, media_timestamp_, duration);
}

AudioStats AudioCall::audio_stats() const {
    AudioStats s = stats_;
    if (jitter_) {
        s.jitter_buffer = jitter_->statistics();
        s.jitter = s.jitter_buffer.jitter;
    }
    return s;
}

void AudioCall::on_audio(std::span<const float> /*samples*/, float /*rms*/) {}
void AudioCall::on_dtmf(char /*digit*/, std::chrono::milliseconds /*duration*/) {}
void AudioCall::on_audio_sent() {}

}  // namespace voip::audio
