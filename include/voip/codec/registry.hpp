#pragma once
// The codecs a call may use, in preference order, looked up by SDP encoding name.

#include <voip/codec/codec.hpp>
#include <voip/codec/opus.hpp>
#include <voip/result.hpp>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace voip::codec {

class Registry {
public:
    Registry() = default;
    /// opus, G722, PCMU, PCMA (in that preference order), Opus tuned by `opus`.
    [[nodiscard]] static Registry with_defaults(const OpusConfig& opus = {});

    /// Append a codec (lower preference than those already added). A codec with the same name
    /// and clock rate replaces the old one in place.
    void add(std::shared_ptr<const Codec> codec);

    /// Case-insensitive lookup by encoding name (RFC 8866 §6.6); `clock_rate` 0 matches any.
    [[nodiscard]] std::shared_ptr<const Codec> find(std::string_view encoding_name,
                                                    std::uint32_t clock_rate = 0) const;

    /// A per-call encoder for `encoding_name`, tuned by the remote's a=fmtp.
    [[nodiscard]] Result<std::unique_ptr<Encoder>> make_encoder(std::string_view encoding_name,
                                                                std::string_view fmtp = {},
                                                                std::uint32_t clock_rate = 0) const;
    [[nodiscard]] Result<std::unique_ptr<Decoder>> make_decoder(std::string_view encoding_name,
                                                                std::string_view fmtp = {},
                                                                std::uint32_t clock_rate = 0) const;

    /// Everything registered, in preference order (for building an SDP offer).
    [[nodiscard]] std::vector<Format> formats() const;
    [[nodiscard]] const std::vector<std::shared_ptr<const Codec>>& codecs() const noexcept {
        return codecs_;
    }

private:
    std::vector<std::shared_ptr<const Codec>> codecs_;
};

}  // namespace voip::codec
