#include <voip/sdp/payload_format.hpp>

#include <array>
#include <cstddef>

namespace voip::sdp {
namespace {

struct StaticEntry {
    std::uint8_t pt;
    const char* name;
    std::uint32_t clock_rate;
    unsigned channels;
};

// RFC 3551 §6, tables 4 (audio) and 5 (video). Unassigned and reserved numbers are absent.
constexpr std::array<StaticEntry, 24> static_table{{
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {14, "MPA", 90000, 1},  {15, "G728", 8000, 1},  {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
    {18, "G729", 8000, 1},  {25, "CelB", 90000, 1}, {26, "JPEG", 90000, 1}, {28, "nv", 90000, 1},
    {31, "H261", 90000, 1}, {32, "MPV", 90000, 1},  {33, "MP2T", 90000, 1}, {34, "H263", 90000, 1},
}};

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<PayloadFormat> static_payload_format(unsigned pt) {
    for (const auto& e : static_table) {
        if (e.pt == pt) return PayloadFormat{e.pt, e.name, e.clock_rate, e.channels, {}};
    }
    return std::nullopt;
}

std::optional<std::uint8_t> static_payload_type(std::string_view name, std::uint32_t clock_rate,
                                                unsigned channels) {
    for (const auto& e : static_table) {
        if (iequals(e.name, name) && e.clock_rate == clock_rate && e.channels == channels) {
            return e.pt;
        }
    }
    return std::nullopt;
}

}  // namespace voip::sdp
