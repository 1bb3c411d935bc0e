#pragma once
/// @file
/// SRTP for a whole session: our key protects what we send, the far end's key (from its SDP
/// `a=crypto`, RFC 4568) unprotects what we receive. Plugs into rtp::Session.

#include <voip/result.hpp>
#include <voip/rtp/transform.hpp>
#include <voip/srtp/context.hpp>
#include <voip/srtp/key_material.hpp>

#include <memory>

namespace voip::srtp {

/// An rtp::Transform made of an outbound and an inbound srtp::Context.
class Transform final : public rtp::Transform {
public:
    /// @param local  our key (sent in our SDP), protects outgoing packets
    /// @param remote the far end's key, unprotects incoming packets
    [[nodiscard]] static Result<std::unique_ptr<Transform>> create(const KeyMaterial& local,
                                                                   const KeyMaterial& remote);

    Result<std::size_t> protect_rtp(std::span<std::uint8_t> buffer, std::size_t len) override {
        return outbound_.protect(buffer, len);
    }
    Result<std::size_t> unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t len) override {
        return inbound_.unprotect(buffer, len);
    }
    Result<std::size_t> protect_rtcp(std::span<std::uint8_t> buffer, std::size_t len) override {
        return outbound_.protect_rtcp(buffer, len);
    }
    Result<std::size_t> unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t len) override {
        return inbound_.unprotect_rtcp(buffer, len);
    }
    [[nodiscard]] std::size_t max_overhead() const noexcept override {
        return Context::max_trailer;
    }
    [[nodiscard]] rtp::TransformFailures failures() const noexcept override {
        const auto& s = inbound_.stats();
        return {s.authentication_failures, s.replay_failures, s.other_failures};
    }

    /// Counters of what we sent (protect) and received (unprotect, with failures).
    [[nodiscard]] const Stats& outbound_stats() const noexcept { return outbound_.stats(); }
    [[nodiscard]] const Stats& inbound_stats() const noexcept { return inbound_.stats(); }

private:
    Transform(Context outbound, Context inbound) noexcept
        : outbound_(std::move(outbound)), inbound_(std::move(inbound)) {}

    Context outbound_;
    Context inbound_;
};

}  // namespace voip::srtp
