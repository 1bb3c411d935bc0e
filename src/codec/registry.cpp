#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/registry.hpp>

#include <stdexcept>

namespace voip::codec {

Registry Registry::with_defaults(const OpusConfig& opus) {
    Registry r;
    r.add(make_opus(opus));
    r.add(make_g722());
    r.add(make_pcmu());
    r.add(make_pcma());
    return r;
}

void Registry::add(std::shared_ptr<const Codec> codec) {
    if (!codec) throw std::invalid_argument("Registry::add: null codec");
    const Format& f = codec->format();
    for (auto& existing : codecs_) {
        const Format& e = existing->format();
        if (iequals(e.encoding_name, f.encoding_name) && e.clock_rate == f.clock_rate) {
            existing = std::move(codec);
            return;
        }
    }
    codecs_.push_back(std::move(codec));
}

std::shared_ptr<const Codec> Registry::find(std::string_view encoding_name,
                                            std::uint32_t clock_rate) const {
    for (const auto& codec : codecs_) {
        const Format& f = codec->format();
        if (iequals(f.encoding_name, encoding_name) &&
            (clock_rate == 0 || clock_rate == f.clock_rate)) {
            return codec;
        }
    }
    return nullptr;
}

Result<std::unique_ptr<Encoder>> Registry::make_encoder(std::string_view encoding_name,
                                                        std::string_view fmtp,
                                                        std::uint32_t clock_rate) const {
    const auto codec = find(encoding_name, clock_rate);
    if (!codec) return Errc::unknown_codec;
    return codec->make_encoder(Fmtp::parse(fmtp));
}

Result<std::unique_ptr<Decoder>> Registry::make_decoder(std::string_view encoding_name,
                                                        std::string_view fmtp,
                                                        std::uint32_t clock_rate) const {
    const auto codec = find(encoding_name, clock_rate);
    if (!codec) return Errc::unknown_codec;
    return codec->make_decoder(Fmtp::parse(fmtp));
}

std::vector<Format> Registry::formats() const {
    std::vector<Format> out;
    out.reserve(codecs_.size());
    for (const auto& codec : codecs_)
        out.push_back(codec->format());
    return out;
}

}  // namespace voip::codec
