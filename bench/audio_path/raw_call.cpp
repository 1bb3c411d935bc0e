#include "raw_call.hpp"

#include <opus/opus.h>
#include <speex/speex_resampler.h>
#include <srtp2/srtp.h>

#include "../common/echo_calls.hpp"

// clang-format off
#include <cstdio>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
// clang-format on

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <malloc.h>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <vector>

namespace audio_path {
namespace {

constexpr std::size_t frame_ms = 20;
constexpr int opus_bitrate = 32000;     // voip::codec::OpusConfig's default
constexpr int opus_loss_percent = 10;   // ditto: in-band FEC is negotiated (useinbandfec=1)
constexpr std::size_t rtp_header = 12;  // RFC 3550 §5.1, no CSRC, no extension
constexpr std::size_t max_datagram = 1500;
constexpr int resampler_quality = 5;  // voip::codec::Resampler's default

std::int16_t to_pcm(float v) {
    return static_cast<std::int16_t>(std::nearbyint(std::clamp(v * 32768.0F, -32768.0F, 32767.0F)));
}

// One call leg written by hand: a socket, the codec library's states, libsrtp2 sessions and,
// only when the call's rate differs from the codec's, two speexdsp resamplers.
struct Leg {
    int fd = -1;
    sockaddr_in peer{};
    g711_state_t* g711_enc = nullptr;
    g711_state_t* g711_dec = nullptr;
    g722_encode_state_t* g722_enc = nullptr;
    g722_decode_state_t* g722_dec = nullptr;
    OpusEncoder* opus_enc = nullptr;
    OpusDecoder* opus_dec = nullptr;
    srtp_t srtp_out = nullptr;
    srtp_t srtp_in = nullptr;
    SpeexResamplerState* down = nullptr;  // call rate -> codec rate (sending)
    SpeexResamplerState* up = nullptr;    // codec rate -> call rate (receiving)
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::size_t position = 0;  // in the talker signal

    Leg() = default;
    Leg(const Leg&) = delete;
    Leg& operator=(const Leg&) = delete;
    Leg(Leg&&) = delete;
    Leg& operator=(Leg&&) = delete;
    ~Leg() {
        if (fd >= 0) ::close(fd);
        if (g711_enc != nullptr) g711_free(g711_enc);
        if (g711_dec != nullptr) g711_free(g711_dec);
        if (g722_enc != nullptr) g722_encode_free(g722_enc);
        if (g722_dec != nullptr) g722_decode_free(g722_dec);
        if (opus_enc != nullptr) opus_encoder_destroy(opus_enc);
        if (opus_dec != nullptr) opus_decoder_destroy(opus_dec);
        if (srtp_out != nullptr) srtp_dealloc(srtp_out);
        if (srtp_in != nullptr) srtp_dealloc(srtp_in);
        if (down != nullptr) speex_resampler_destroy(down);
        if (up != nullptr) speex_resampler_destroy(up);
    }
};

int open_socket(sockaddr_in& bound) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) throw std::runtime_error("socket");
    bound = sockaddr_in{};
    bound.sin_family = AF_INET;
    bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof bound;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&bound), sizeof bound) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind");
    }
    return fd;
}

void setup_codec(Leg& leg, const RawCallConfig& config) {
    switch (config.codec) {
        case RawCodecKind::pcmu:
            leg.g711_enc = g711_init(nullptr, G711_ULAW);
            leg.g711_dec = g711_init(nullptr, G711_ULAW);
            if (leg.g711_enc == nullptr || leg.g711_dec == nullptr) throw std::bad_alloc();
            break;
        case RawCodecKind::g722:
            leg.g722_enc = g722_encode_init(nullptr, 64000, 0);
            leg.g722_dec = g722_decode_init(nullptr, 64000, 0);
            if (leg.g722_enc == nullptr || leg.g722_dec == nullptr) throw std::bad_alloc();
            break;
        case RawCodecKind::opus: {
            int err = OPUS_OK;
            leg.opus_enc = opus_encoder_create(16000, 1, OPUS_APPLICATION_VOIP, &err);
            if (err != OPUS_OK) throw std::runtime_error("opus_encoder_create");
            leg.opus_dec = opus_decoder_create(16000, 1, &err);
            if (err != OPUS_OK) throw std::runtime_error("opus_decoder_create");
            // The same settings the library's encoder takes from our offer's fmtp.
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_BITRATE(opus_bitrate));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_COMPLEXITY(config.opus_complexity));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_FORCE_CHANNELS(1));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_INBAND_FEC(1));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_PACKET_LOSS_PERC(opus_loss_percent));
            opus_encoder_ctl(leg.opus_enc, OPUS_SET_DTX(0));
            break;
        }
    }
    const std::uint32_t codec_rate = raw_codec_rate(config.codec);
    if (config.call_rate != codec_rate) {
        int err = RESAMPLER_ERR_SUCCESS;
        leg.down = speex_resampler_init(1, config.call_rate, codec_rate, resampler_quality, &err);
        leg.up = speex_resampler_init(1, codec_rate, config.call_rate, resampler_quality, &err);
        if (leg.down == nullptr || leg.up == nullptr) throw std::runtime_error("speexdsp");
    }
}

struct Scratch {
    std::array<std::int16_t, 1920> pcm{};   // codec rate
    std::array<std::int16_t, 1920> call{};  // call rate
    std::array<float, 1920> pcm_float{};
    std::array<std::uint8_t, max_datagram + SRTP_MAX_TRAILER_LEN> packet{};
};

}  // namespace

class RawCalls::Impl {
public:
    explicit Impl(const RawCallConfig& config)
        : config_(config),
          codec_rate_(raw_codec_rate(config.codec)),
          call_frame_(config.call_rate * frame_ms / 1000),
          codec_frame_(codec_rate_ * frame_ms / 1000),
          signal_float_(voip::bench::talk_signal(config.call_rate)),
          signal_(signal_float_.size()) {
        for (std::size_t i = 0; i < signal_.size(); ++i)
            signal_[i] = to_pcm(signal_float_[i]);
        switch (config.codec) {
            case RawCodecKind::pcmu:
                payload_type_ = 0;
                increment_ = 160;
                break;
            case RawCodecKind::g722:
                payload_type_ = 9;
                increment_ = 160;  // RFC 3551 §4.5.2: 8000 Hz RTP clock
                break;
            case RawCodecKind::opus:
                payload_type_ = 111;
                increment_ = 960;  // RFC 7587 §4.1: 48000 Hz RTP clock
                break;
        }
        heap_before_ = heap_in_use();
        std::array<std::uint8_t, 30> key{};
        for (std::size_t i = 0; i < key.size(); ++i)
            key[i] = static_cast<std::uint8_t>(i * 7 + 1);
        const auto legs = static_cast<std::size_t>(2 * config.pairs);
        legs_.reserve(legs);
        std::vector<sockaddr_in> bound(legs);
        for (std::size_t i = 0; i < legs; ++i) {
            auto& leg = *legs_.emplace_back(std::make_unique<Leg>());
            leg.fd = open_socket(bound[i]);
            leg.ssrc = static_cast<std::uint32_t>(0x1000 + i);
            leg.position = (i * 997) % signal_.size();
            setup_codec(leg, config);
            if (config.srtp) {
                leg.srtp_out = make_raw_srtp(ssrc_any_outbound, key.data());
                leg.srtp_in = make_raw_srtp(ssrc_any_inbound, key.data());
            }
        }
        for (std::size_t i = 0; i < legs; ++i)
            legs_[i]->peer = bound[i ^ 1U];
        heap_after_ = heap_in_use();

        epoll_ = ::epoll_create1(0);
        timer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
        if (epoll_ < 0 || timer_ < 0) throw std::runtime_error("epoll/timerfd");
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = timer_tag;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, timer_, &ev);
        for (std::size_t i = 0; i < legs; ++i) {
            ev.data.u64 = i;
            ::epoll_ctl(epoll_, EPOLL_CTL_ADD, legs_[i]->fd, &ev);
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;
    ~Impl() {
        if (timer_ >= 0) ::close(timer_);
        if (epoll_ >= 0) ::close(epoll_);
    }

    void run_for(std::chrono::duration<double> duration) {
        arm();
        const auto end = std::chrono::steady_clock::now() +
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
        std::array<epoll_event, 64> events{};
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return;
            const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(left.count()) + 1);
            for (int i = 0; i < n; ++i) {
                if (events[static_cast<std::size_t>(i)].data.u64 == timer_tag) {
                    tick();
                } else {
                    receive(*legs_[events[static_cast<std::size_t>(i)].data.u64]);
                }
            }
        }
    }

    [[nodiscard]] double heap_per_leg() const {
        return static_cast<double>(heap_after_ - heap_before_) / static_cast<double>(legs_.size());
    }
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::uint64_t late_ticks = 0;
    std::uint64_t payload_bytes = 0;

private:
    static constexpr std::uint64_t timer_tag = ~std::uint64_t{0};

    // An absolute 20 ms grid from now that the kernel re-arms itself: no drift, no re-arm
    // syscall per tick; armed anew on each run, so a pause is not a burst of late expirations.
    void arm() {
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        itimerspec spec{};
        spec.it_interval.tv_nsec = static_cast<long>(frame_ms) * 1000000L;
        spec.it_value = now;
        spec.it_value.tv_nsec += spec.it_interval.tv_nsec;
        if (spec.it_value.tv_nsec >= 1000000000L) {
            spec.it_value.tv_nsec -= 1000000000L;
            ++spec.it_value.tv_sec;
        }
        ::timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
    }

    void tick() {
        std::uint64_t expirations = 0;
        if (::read(timer_, &expirations, sizeof expirations) != sizeof expirations) return;
        if (expirations > 1) late_ticks += expirations - 1;
        for (auto& leg : legs_)
            send(*leg);
    }

    // The next 20 ms of the talker at the codec's rate, as int16 (spandsp) or float (libopus).
    void next_frame(Leg& leg) {
        if (leg.position + call_frame_ > signal_.size()) leg.position = 0;
        if (config_.codec == RawCodecKind::opus && leg.down == nullptr) {
            std::copy_n(signal_float_.data() + leg.position, call_frame_,
                        scratch_.pcm_float.data());
        } else if (leg.down == nullptr) {
            std::copy_n(signal_.data() + leg.position, call_frame_, scratch_.pcm.data());
        } else {
            auto in_len = static_cast<spx_uint32_t>(call_frame_);
            auto out_len = static_cast<spx_uint32_t>(codec_frame_);
            speex_resampler_process_int(leg.down, 0, signal_.data() + leg.position, &in_len,
                                        scratch_.pcm.data(), &out_len);
            if (config_.codec == RawCodecKind::opus) {
                for (std::size_t i = 0; i < codec_frame_; ++i)
                    scratch_.pcm_float[i] = static_cast<float>(scratch_.pcm[i]) / 32768.0F;
            }
        }
        leg.position += call_frame_;
    }

    void send(Leg& leg) {
        next_frame(leg);
        std::uint8_t* p = scratch_.packet.data();
        std::uint8_t* payload = p + rtp_header;
        int size = 0;
        switch (config_.codec) {
            case RawCodecKind::pcmu:
                size = g711_encode(leg.g711_enc, payload, scratch_.pcm.data(),
                                   static_cast<int>(codec_frame_));
                break;
            case RawCodecKind::g722:
                size = g722_encode(leg.g722_enc, payload, scratch_.pcm.data(),
                                   static_cast<int>(codec_frame_));
                break;
            case RawCodecKind::opus:
                size = opus_encode_float(leg.opus_enc, scratch_.pcm_float.data(),
                                         static_cast<int>(codec_frame_), payload,
                                         static_cast<opus_int32>(max_datagram - rtp_header));
                break;
        }
        if (size <= 0) return;
        payload_bytes += static_cast<std::uint64_t>(size);
        p[0] = 0x80;
        p[1] = payload_type_;
        p[2] = static_cast<std::uint8_t>(leg.sequence >> 8);
        p[3] = static_cast<std::uint8_t>(leg.sequence);
        const std::uint32_t ts = htonl(leg.timestamp);
        const std::uint32_t ssrc = htonl(leg.ssrc);
        std::memcpy(p + 4, &ts, 4);
        std::memcpy(p + 8, &ssrc, 4);
        ++leg.sequence;
        leg.timestamp += increment_;
        int length = static_cast<int>(rtp_header) + size;
        if (leg.srtp_out != nullptr && srtp_protect(leg.srtp_out, p, &length) != srtp_err_status_ok)
            return;
        if (::sendto(leg.fd, p, static_cast<std::size_t>(length), 0,
                     reinterpret_cast<const sockaddr*>(&leg.peer), sizeof leg.peer) > 0) {
            ++sent;
        }
    }

    void receive(Leg& leg) {
        for (;;) {
            sockaddr_in from{};
            socklen_t from_len = sizeof from;
            const ssize_t n = ::recvfrom(leg.fd, scratch_.packet.data(), max_datagram, 0,
                                         reinterpret_cast<sockaddr*>(&from), &from_len);
            if (n <= 0) return;  // EAGAIN: drained
            int length = static_cast<int>(n);
            if (leg.srtp_in != nullptr &&
                srtp_unprotect(leg.srtp_in, scratch_.packet.data(), &length) != srtp_err_status_ok)
                continue;
            if (length <= static_cast<int>(rtp_header)) continue;
            ++received;
            decode(leg, scratch_.packet.data() + rtp_header,
                   static_cast<std::size_t>(length) - rtp_header);
        }
    }

    void decode(Leg& leg, const std::uint8_t* payload, std::size_t size) {
        int samples = 0;
        switch (config_.codec) {
            case RawCodecKind::pcmu:
                samples =
                    g711_decode(leg.g711_dec, scratch_.pcm.data(), payload, static_cast<int>(size));
                break;
            case RawCodecKind::g722:
                samples =
                    g722_decode(leg.g722_dec, scratch_.pcm.data(), payload, static_cast<int>(size));
                break;
            case RawCodecKind::opus:
                samples = opus_decode_float(leg.opus_dec, payload, static_cast<opus_int32>(size),
                                            scratch_.pcm_float.data(),
                                            static_cast<int>(scratch_.pcm_float.size()), 0);
                if (samples > 0 && leg.up != nullptr) {
                    for (int i = 0; i < samples; ++i)
                        scratch_.pcm[static_cast<std::size_t>(i)] =
                            to_pcm(scratch_.pcm_float[static_cast<std::size_t>(i)]);
                }
                break;
        }
        if (samples <= 0 || leg.up == nullptr) return;
        auto in_len = static_cast<spx_uint32_t>(samples);
        auto out_len = static_cast<spx_uint32_t>(scratch_.call.size());
        speex_resampler_process_int(leg.up, 0, scratch_.pcm.data(), &in_len, scratch_.call.data(),
                                    &out_len);
    }

    RawCallConfig config_;
    std::uint32_t codec_rate_;
    std::size_t call_frame_;
    std::size_t codec_frame_;
    std::vector<float> signal_float_;
    std::vector<std::int16_t> signal_;
    std::uint8_t payload_type_ = 0;
    std::uint32_t increment_ = 0;
    std::vector<std::unique_ptr<Leg>> legs_;
    Scratch scratch_;
    int epoll_ = -1;
    int timer_ = -1;
    std::size_t heap_before_ = 0;
    std::size_t heap_after_ = 0;
};

srtp_t make_raw_srtp(srtp_ssrc_type_t type, std::uint8_t* key) {
    srtp_policy_t policy{};
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = type;
    policy.key = key;
    policy.window_size = 128;
    srtp_t ctx = nullptr;
    if (srtp_create(&ctx, &policy) != srtp_err_status_ok) throw std::runtime_error("srtp_create");
    return ctx;
}

std::uint32_t raw_codec_rate(RawCodecKind kind) {
    return kind == RawCodecKind::pcmu ? 8000 : 16000;
}

std::size_t opus_state_bytes() {
    return static_cast<std::size_t>(opus_encoder_get_size(1)) +
           static_cast<std::size_t>(opus_decoder_get_size(1));
}

std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

RawCalls::RawCalls(const RawCallConfig& config) : impl_(std::make_unique<Impl>(config)) {}
RawCalls::~RawCalls() = default;

void RawCalls::run_for(std::chrono::duration<double> duration) {
    impl_->run_for(duration);
}

RawCalls::Counters RawCalls::counters() const noexcept {
    return {impl_->sent, impl_->received, impl_->late_ticks};
}

double RawCalls::heap_per_leg() const noexcept {
    return impl_->heap_per_leg();
}

std::size_t RawCalls::payload() const noexcept {
    return impl_->sent == 0 ? 0 : static_cast<std::size_t>(impl_->payload_bytes / impl_->sent);
}

}  // namespace audio_path
