#include <voip/log.hpp>
#include <voip/rtp/session.hpp>

#include <algorithm>
#include <cstring>
#include <random>

#include "core/prefetch.hpp"

namespace voip::rtp {
namespace {

// RFC 3550 §5.1, §8.1: SSRC, initial sequence number and timestamp are random.
std::uint32_t random_u32() {
    // RFC 3550 §8.1 asks for "random" values; std::random_device is the kernel's generator
    // (getrandom) on our platforms. One per thread: constructing one parses its token and
    // probes the CPU, and a session draws five (1.7 % of a 1,000-call concurrent_calls profile).
    thread_local std::random_device device;
    return device();
}

std::string random_cname() {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 2; ++i) {
        const std::uint32_t v = random_u32();
        for (int nibble = 0; nibble < 8; ++nibble)
            s += hex[(v >> (4 * nibble)) & 0xFU];
    }
    return s + "@voip";
}

// §A.1 probation is skipped: the source is vetted already (SRTP, signalling) and the first
// packets of a call must count.
ReceptionStats::Config reception_config() {
    ReceptionStats::Config c;
    c.min_sequential = 1;
    return c;
}

// Arrival time in RTP timestamp units, for §A.8 jitter (any epoch will do).
std::uint32_t arrival_units(std::chrono::steady_clock::time_point arrival,
                            std::uint32_t clock_rate) {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(arrival.time_since_epoch()).count();
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(us) * clock_rate / 1000000);
}

}  // namespace

Session::Session(Multiplexer& mux, SessionConfig config)
    : mux_(mux),
      config_(std::move(config)),
      ssrc_(random_u32()),
      sequence_(static_cast<std::uint16_t>(random_u32())),
      timestamp_(random_u32()),
      reception_(reception_config()),
      rtcp_timer_(mux.context()) {
    if (config_.cname.empty()) config_.cname = random_cname();
    if (config_.clock_rate == 0) config_.clock_rate = 8000;
}

Session::~Session() {
    try {
        stop();
    } catch (...) {
        // Building the BYE can only fail on allocation; the ports must still be released.
        if (is_open()) mux_.close(*this, binding_);
    }
}

Result<LocalPorts> Session::open() {
    if (is_open()) return binding_.local;
    auto binding = mux_.open(*this, config_.rtcp_mux);
    if (!binding) return binding.error();
    binding_ = std::move(*binding);
    return binding_.local;
}

Result<LocalPorts> Session::open_shared(const Session& other) {
    if (is_open()) return binding_.local;
    auto binding = mux_.share(*this, other.binding_);
    if (!binding) return binding.error();
    binding_ = std::move(*binding);
    return binding_.local;
}

void Session::set_remote(const asio::ip::udp::endpoint& rtp,
                         std::optional<asio::ip::udp::endpoint> rtcp) {
    remote_rtp_ = rtp;
    if (rtcp) {
        remote_rtcp_ = *rtcp;
    } else if (config_.rtcp_mux) {
        remote_rtcp_ = rtp;
    } else {
        // RFC 3550 §11: RTCP on the next higher (odd) port.
        remote_rtcp_ =
            asio::ip::udp::endpoint(rtp.address(), static_cast<std::uint16_t>(rtp.port() + 1));
    }
    source_rtp_.reset();
    source_rtcp_.reset();
    if (is_open()) {
        mux_.unlock_source(*binding_.rtp);
        mux_.unlock_source(*binding_.rtcp);
    }
}

void Session::lock_source(Multiplexer::Port& port, const asio::ip::udp::endpoint& source) {
    if (config_.strict_source && !stun_client_) mux_.lock_source(port, source);
}

void Session::start() {
    if (running_ || !is_open()) return;
    running_ = true;
    schedule_rtcp(true);
}

void Session::stop(std::string_view reason) {
    if (running_) {
        running_ = false;
        // RFC 3550 §6.6: BYE in a compound packet with a report first.
        if (remote_rtcp_) (void)send_rtcp(true, reason);
    }
    rtcp_timer_.cancel();
    alive_ = std::make_shared<int>(0);  // queued timer handlers of the old token do nothing
    // Before the socket goes: a pending discovery completes with operation_aborted.
    stun_client_.reset();
    if (is_open()) mux_.close(*this, binding_);
}

stun::BindingClient* Session::stun_client(const asio::ip::udp::endpoint& server) {
    if (!is_open()) return nullptr;
    if (!stun_client_ || stun_server_ != server) {
        stun_client_.reset();
        // The server's answers must reach the socket: no strict source from now on.
        mux_.unlock_source(*binding_.rtp);
        stun_client_ = std::make_unique<stun::BindingClient>(Multiplexer::socket_of(*binding_.rtp),
                                                             server, config_.stun_options);
        stun_server_ = server;
    }
    return stun_client_.get();
}

void Session::schedule_rtcp(bool first) {
    // RFC 3550 §6.3.1: the interval is randomised to [0.5, 1.5] x, the first one halved
    // (§6.2 allows it for a quick first report).
    const std::uint32_t r = random_u32();
    const double factor = 0.5 + static_cast<double>(r) / 4294967296.0;
    auto interval =
        std::chrono::duration_cast<std::chrono::microseconds>(config_.rtcp_interval * factor);
    if (first) interval /= 2;
    rtcp_timer_.expires_after(interval);
    std::weak_ptr<int> token = alive_;
    rtcp_timer_.async_wait([this, token](std::error_code ec) {
        if (ec || token.expired() || !running_) return;
        if (remote_rtcp_) (void)send_rtcp(false, {});
        schedule_rtcp(false);
    });
}

void Session::prefetch_send_path() const noexcept {
    if (binding_.rtp) Multiplexer::prefetch(*binding_.rtp);
}

void Session::prefetch_packet_state() const noexcept {
    // From the object's start (the vtable, the configuration's clock rate) through the arrival
    // time, the last of the fields receive_rtp() updates before on_packet(); the sending
    // fields (numbering, remote address, transform) lie in between.
    const auto* begin = reinterpret_cast<const char*>(this);
    const auto* end = reinterpret_cast<const char*>(&arrival_time_ + 1);
    voip::detail::prefetch_lines(begin, static_cast<std::size_t>(end - begin),
                                 voip::detail::PrefetchFor::write);
}

void Session::prefetch_receive_path() const noexcept {
    prefetch_packet_state();
    // The vtable is on the first of those lines: this call waits for it, while the lines the
    // subclass names arrive during the read that follows.
    prefetch_receive_state();
}

Result<void> Session::send_packet(std::span<const std::uint8_t> payload, std::uint8_t payload_type,
                                  bool marker, std::uint32_t timestamp_advance) {
    return send_packet(payload, payload_type, marker, timestamp_advance,
                       std::chrono::steady_clock::now());
}

Result<void> Session::send_packet(std::span<const std::uint8_t> payload, std::uint8_t payload_type,
                                  bool marker, std::uint32_t timestamp_advance,
                                  std::chrono::steady_clock::time_point now) {
    if (!is_open()) return MediaErrc::not_open;
    if (!remote_rtp_) return MediaErrc::no_remote;
    const std::span<std::uint8_t> send_buffer = mux_.send_scratch_;
    const std::size_t overhead = transform_ ? transform_->max_overhead() : 0;
    if (fixed_header_size + payload.size() + overhead > send_buffer.size()) {
        return MediaErrc::payload_too_large;
    }
    Packet packet;
    packet.marker = marker;
    packet.payload_type = payload_type;
    packet.sequence = sequence_;
    packet.timestamp = timestamp_;
    packet.ssrc = ssrc_;
    std::memcpy(send_buffer.data() + fixed_header_size, payload.data(), payload.size());
    auto size = packet.serialize_in_place(send_buffer, payload.size());
    if (!size) return size.error();

    // Numbering moves on even if the send fails: to the far end it is a lost packet.
    ++sequence_;
    last_send_timestamp_ = timestamp_;
    last_send_time_ = now;
    timestamp_ += timestamp_advance;

    std::size_t n = *size;
    if (transform_) {
        auto protected_size = transform_->protect_rtp(send_buffer, n);
        if (!protected_size) {
            ++counters_.send_failures;
            return MediaErrc::protect_failed;
        }
        n = *protected_size;
    }
    // RFC 4961: send back to where the far end's RTP comes from.
    const auto& to = source_rtp_ ? *source_rtp_ : *remote_rtp_;
    auto sent = mux_.send(*binding_.rtp, std::span<const std::uint8_t>(send_buffer.data(), n), to);
    if (!sent) {
        ++counters_.send_failures;
        return sent;
    }
    ++packets_sent_;
    octets_sent_ += payload.size();
    return {};
}

Result<void> Session::send_raw(std::span<const std::uint8_t> datagram,
                               const asio::ip::udp::endpoint& to) {
    if (!is_open()) return MediaErrc::not_open;
    return mux_.send(*binding_.rtp, datagram, to);
}

Result<void> Session::send_rtcp(bool bye, std::string_view reason) {
    if (!is_open()) return MediaErrc::not_open;
    if (!remote_rtcp_) return MediaErrc::no_remote;
    std::array<std::uint8_t, 1500> buffer{};
    const std::size_t overhead = transform_ ? transform_->max_overhead() : 0;
    RtcpCompoundBuilder builder(std::span<std::uint8_t>(buffer.data(), buffer.size() - overhead));

    const auto now = std::chrono::steady_clock::now();
    std::vector<ReportBlock> blocks;
    if (remote_ssrc_ && reception_.valid()) {
        std::uint32_t dlsr = 0;
        if (last_sr_ != 0) dlsr = to_ntp_short(now - last_sr_arrival_);
        ReportBlock block = reception_.make_report_block(*remote_ssrc_);
        block.last_sr = last_sr_;
        block.delay_since_last_sr = dlsr;
        last_fraction_lost_ = block.fraction_lost;
        blocks.push_back(block);
    }
    Result<void> appended;
    // RFC 3550 §6.4: SR if we sent data since the report before last, else RR.
    if (packets_sent_ != packets_sent_at_last_report_) {
        SenderReport sr;
        sr.ssrc = ssrc_;
        sr.sender.ntp_timestamp = to_ntp(std::chrono::system_clock::now());
        // The RTP time of "now" (§6.4.1): last sent timestamp plus the time since.
        const auto since =
            std::chrono::duration_cast<std::chrono::microseconds>(now - last_send_time_);
        sr.sender.rtp_timestamp =
            last_send_timestamp_ +
            static_cast<std::uint32_t>(since.count() *
                                       static_cast<std::int64_t>(config_.clock_rate) / 1000000);
        sr.sender.packet_count = static_cast<std::uint32_t>(packets_sent_);
        sr.sender.octet_count = static_cast<std::uint32_t>(octets_sent_);
        sr.reports = std::move(blocks);
        appended = builder.append(sr);
    } else {
        ReceiverReport rr;
        rr.ssrc = ssrc_;
        rr.reports = std::move(blocks);
        appended = builder.append(rr);
    }
    packets_sent_at_last_report_ = packets_sent_;
    if (!appended) return appended;
    // RFC 3550 §6.1: every compound packet carries SDES CNAME.
    Sdes sdes;
    sdes.chunks.push_back(
        SdesChunk{ssrc_, {SdesItem{static_cast<std::uint8_t>(SdesType::cname), config_.cname}}});
    if (auto r = builder.append(sdes); !r) return r;
    if (bye) {
        Bye goodbye;
        goodbye.ssrcs.push_back(ssrc_);
        goodbye.reason = std::string(reason.substr(0, 255));
        if (auto r = builder.append(goodbye); !r) return r;
    }
    std::size_t n = builder.size();
    if (transform_) {
        auto protected_size = transform_->protect_rtcp(buffer, n);
        if (!protected_size) {
            ++counters_.send_failures;
            return MediaErrc::protect_failed;
        }
        n = *protected_size;
    }
    const auto& to = source_rtcp_ ? *source_rtcp_ : *remote_rtcp_;
    auto sent = mux_.send(*binding_.rtcp, std::span<const std::uint8_t>(buffer.data(), n), to);
    if (!sent) {
        ++counters_.send_failures;
        return sent;
    }
    ++counters_.rtcp_sent;
    return {};
}

int Session::match(const asio::ip::udp::endpoint& from, PacketKind kind,
                   std::uint32_t ssrc) const noexcept {
    const bool rtcp = kind == PacketKind::rtcp;
    const auto& source = rtcp ? source_rtcp_ : source_rtp_;
    const auto& remote = rtcp ? remote_rtcp_ : remote_rtp_;
    // The answer to our own STUN request (RFC 7983: STUN shares the RTP port).
    if (kind == PacketKind::stun && stun_client_ && from == stun_server_) return 5;
    if (source && *source == from) return 4;
    if (remote && *remote == from) return 3;
    if ((remote_ssrc_ && *remote_ssrc_ == ssrc) ||
        (expected_remote_ssrc_ && *expected_remote_ssrc_ == ssrc))
        return 2;
    if (!source) return 1;  // not latched yet: may be ours
    return 0;
}

void Session::receive(PacketKind kind, std::span<std::uint8_t> buffer, std::size_t size,
                      const asio::ip::udp::endpoint& from) {
    // The multiplexer passes only these three.
    if (kind == PacketKind::rtp) {
        receive_rtp(buffer, size, from);
    } else if (kind == PacketKind::rtcp) {
        receive_rtcp(buffer, size, from);
    } else if (kind == PacketKind::stun) {
        // Our Binding response completes async_discover_public_address; anything else
        // (a peer's connectivity check, a stray response) goes to the subclass.
        if (stun_client_ && stun_client_->handle_datagram(buffer.first(size))) return;
        on_stun(buffer.first(size), from);
    }
}

void Session::count_unprotect_failure() noexcept {
    ++counters_.unprotect_failures;
}

void Session::receive_rtp(std::span<std::uint8_t> buffer, std::size_t size,
                          const asio::ip::udp::endpoint& from) {
    std::size_t n = size;
    if (transform_) {
        // Authentication and replay failures are dropped here: never reach on_packet.
        auto r = transform_->unprotect_rtp(buffer, n);
        if (!r) {
            count_unprotect_failure();
            return;
        }
        n = *r;
    }
    auto view = PacketView::parse(buffer.first(n));
    if (!view) {
        ++counters_.malformed;
        return;
    }
    if (!remote_ssrc_ || *remote_ssrc_ != view->ssrc()) {
        // A new source (first packet, or the far end restarted): fresh statistics.
        remote_ssrc_ = view->ssrc();
        reception_ = ReceptionStats(reception_config());
        octets_received_ = 0;
        late_ = 0;
    }
    // RFC 4961 symmetric RTP: answer to where valid (authenticated) packets come from.
    if (!source_rtp_ || *source_rtp_ != from) {
        if (source_rtp_ || (remote_rtp_ && *remote_rtp_ != from)) {
            log::debug("rtp", "latching RTP to {}:{}", from.address().to_string(), from.port());
        }
        source_rtp_ = from;
        lock_source(*binding_.rtp, from);
    }
    const bool was_valid = reception_.valid();
    const std::uint32_t highest = reception_.extended_highest_sequence();
    arrival_time_ = std::chrono::steady_clock::now();
    if (!reception_.update(view->sequence(), view->timestamp(),
                           arrival_units(arrival_time_, config_.clock_rate))) {
        return;  // §A.1: a far jump, not yet confirmed
    }
    if (was_valid && reception_.extended_highest_sequence() == highest) ++late_;
    octets_received_ += view->payload().size();
    on_packet(*view);  // last: the subclass may stop or destroy the session
}

void Session::take_report_block(const ReportBlock& block) {
    if (block.ssrc != ssrc_) return;
    counters_.far_end_report = block;
    // RFC 3550 §6.4.1: RTT = A - LSR - DLSR.
    const std::uint32_t arrival = ntp_middle32(to_ntp(std::chrono::system_clock::now()));
    if (auto rtt = round_trip_time(arrival, block.last_sr, block.delay_since_last_sr)) {
        counters_.round_trip_time = *rtt;
    }
}

void Session::receive_rtcp(std::span<std::uint8_t> buffer, std::size_t size,
                           const asio::ip::udp::endpoint& from) {
    std::size_t n = size;
    if (transform_) {
        auto r = transform_->unprotect_rtcp(buffer, n);
        if (!r) {
            count_unprotect_failure();
            return;
        }
        n = *r;
    }
    auto compound = RtcpCompound::parse(buffer.first(n));
    if (!compound) {
        ++counters_.malformed;
        return;
    }
    if (!source_rtcp_ || *source_rtcp_ != from) {
        source_rtcp_ = from;
        // With rtcp-mux the port is RTP's, locked (or not) by RTP's latch.
        if (binding_.rtcp != binding_.rtp) lock_source(*binding_.rtcp, from);
    }
    ++counters_.rtcp_received;
    bool bye = false;
    for (const auto& packet : *compound) {
        switch (packet.type()) {
            case RtcpType::sr: {
                auto sr = SenderReport::parse(packet);
                if (!sr) break;
                last_sr_ = ntp_middle32(sr->sender.ntp_timestamp);
                last_sr_arrival_ = std::chrono::steady_clock::now();
                for (const auto& block : sr->reports)
                    take_report_block(block);
                break;
            }
            case RtcpType::rr: {
                auto rr = ReceiverReport::parse(packet);
                if (!rr) break;
                for (const auto& block : rr->reports)
                    take_report_block(block);
                break;
            }
            case RtcpType::bye: {
                // RFC 3550 §6.6: the BYE must name the source we hear (any, if none yet).
                auto b = Bye::parse(packet);
                if (b && (!remote_ssrc_ || std::find(b->ssrcs.begin(), b->ssrcs.end(),
                                                     *remote_ssrc_) != b->ssrcs.end())) {
                    bye = true;
                }
                break;
            }
            default:
                break;
        }
    }
    std::weak_ptr<int> token = alive_;
    on_rtcp(*compound);
    if (bye && !token.expired()) {
        counters_.bye_received = true;
        on_bye();
    }
}

SessionStats Session::stats() const {
    SessionStats s = counters_;
    s.local_ssrc = ssrc_;
    s.packets_sent = packets_sent_;
    s.octets_sent = octets_sent_;
    s.remote_ssrc = remote_ssrc_;
    s.packets_received = reception_.received();
    s.octets_received = octets_received_;
    s.packets_expected = reception_.expected();
    s.packets_lost = reception_.cumulative_lost();
    s.packets_late = late_;
    s.fraction_lost = last_fraction_lost_ / 256.0;
    s.jitter = reception_.jitter();
    s.jitter_time =
        std::chrono::microseconds(std::int64_t{reception_.jitter()} * 1000000 / config_.clock_rate);
    if (transform_) {
        const auto f = transform_->failures();
        s.authentication_failures = f.authentication;
        s.replay_failures = f.replay;
    }
    s.remote_rtp_source = source_rtp_;
    return s;
}

void Session::start_hang_up(SessionOwner::Done done) {
    stop("hang up");
    if (owner_ == nullptr) {
        done(MediaErrc::no_signalling);
        return;
    }
    owner_->hang_up(*this, std::move(done));
}

void Session::on_packet(const PacketView& /*packet*/) {}
void Session::on_rtcp(const RtcpCompound& /*compound*/) {}
void Session::on_bye() {}
void Session::on_stun(std::span<const std::uint8_t> /*message*/,
                      const asio::ip::udp::endpoint& /*from*/) {}

}  // namespace voip::rtp
