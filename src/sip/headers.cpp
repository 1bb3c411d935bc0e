#include <voip/sip/headers.hpp>

#include <array>
#include <cstdint>
#include <cstring>

#include "sip/chars.hpp"

namespace voip::sip {
namespace {

struct HeaderInfo {
    std::string_view name;
    char compact;  // RFC 3261 §7.3.3 / IANA compact form, 0 when none
    bool list;     // comma-separated list grammar
};

// Indexed by HeaderId.
constexpr std::array<HeaderInfo, static_cast<std::size_t>(HeaderId::count_)> header_table{{
    {"", 0, false},
    {"Accept", 0, true},
    {"Accept-Contact", 'a', true},
    {"Accept-Encoding", 0, true},
    {"Accept-Language", 0, true},
    {"Alert-Info", 0, true},
    {"Allow", 0, true},
    {"Allow-Events", 'u', true},
    {"Authentication-Info", 0, false},
    {"Authorization", 0, false},
    {"Call-ID", 'i', false},
    {"Call-Info", 0, true},
    {"Contact", 'm', true},
    {"Content-Disposition", 0, false},
    {"Content-Encoding", 'e', true},
    {"Content-Language", 0, true},
    {"Content-Length", 'l', false},
    {"Content-Type", 'c', false},
    {"CSeq", 0, false},
    {"Date", 0, false},
    {"Error-Info", 0, true},
    {"Event", 'o', false},
    {"Expires", 0, false},
    {"From", 'f', false},
    {"Identity", 'y', false},
    {"In-Reply-To", 0, true},
    {"Max-Forwards", 0, false},
    {"Min-Expires", 0, false},
    {"MIME-Version", 0, false},
    {"Organization", 0, false},
    {"Path", 0, true},
    {"Priority", 0, false},
    {"Proxy-Authenticate", 0, false},
    {"Proxy-Authorization", 0, false},
    {"Proxy-Require", 0, true},
    {"RAck", 0, false},
    {"Reason", 0, true},
    {"Record-Route", 0, true},
    {"Refer-To", 'r', false},
    {"Referred-By", 'b', false},
    {"Reject-Contact", 'j', true},
    {"Reply-To", 0, false},
    {"Request-Disposition", 'd', true},
    {"Require", 0, true},
    {"Retry-After", 0, false},
    {"Route", 0, true},
    {"RSeq", 0, false},
    {"Server", 0, false},
    {"Service-Route", 0, true},
    {"Session-Expires", 'x', false},
    {"Subject", 's', false},
    {"Subscription-State", 0, false},
    {"Supported", 'k', true},
    {"Timestamp", 0, false},
    {"To", 't', false},
    {"Unsupported", 0, true},
    {"User-Agent", 0, false},
    {"Via", 'v', true},
    {"Warning", 0, true},
    {"WWW-Authenticate", 0, false},
}};

constexpr std::array<HeaderId, 26> make_compact_table() {
    std::array<HeaderId, 26> t{};
    for (std::size_t i = 1; i < header_table.size(); ++i) {
        char c = header_table[i].compact;
        if (c != 0) t[static_cast<std::size_t>(c - 'a')] = static_cast<HeaderId>(i);
    }
    return t;
}
constexpr auto compact_table = make_compact_table();

constexpr std::size_t name_hash(std::string_view name) noexcept {
    // Folding bit 0x20 maps both cases of a letter together (and every known name starts and
    // ends with a letter); other bytes only land in some slot, where the full compare decides.
    auto first = static_cast<unsigned char>(name.front()) | 0x20U;
    auto last = static_cast<unsigned char>(name.back()) | 0x20U;
    return (name.size() * 31U + static_cast<std::size_t>(first) * 7U + last) % 256U;
}

constexpr std::array<HeaderId, 256> make_name_slots() {
    std::array<HeaderId, 256> slots{};
    for (std::size_t i = 1; i < header_table.size(); ++i) {
        std::size_t slot = name_hash(header_table[i].name);
        while (slots[slot] != HeaderId::other)
            slot = (slot + 1) % slots.size();
        slots[slot] = static_cast<HeaderId>(i);
    }
    return slots;
}
constexpr auto name_slots = make_name_slots();

template <class T>
T load(const char* p) noexcept {
    T v = 0;
    std::memcpy(&v, p, sizeof v);  // no unaligned access through a cast
    return v;
}

// Bit 0x40 is set in every letter and clear in '-', so (candidate & 0x40..) >> 1 is 0x20 exactly
// where the candidate has a letter: OR-ing that into both sides folds ASCII case at letters and
// compares '-' exactly, as iequals would.
template <class T>
bool folded_equal(const char* candidate, const char* name) noexcept {
    constexpr auto bit6 = static_cast<T>(0x4040404040404040ULL);
    const T c = load<T>(candidate);
    const auto fold = static_cast<T>(static_cast<T>(c & bit6) >> 1U);
    return static_cast<T>(load<T>(name) | fold) == static_cast<T>(c | fold);
}

// Case-insensitive equality of a known header name (letters and '-' only) and a name of the
// same size, with a few word compares (overlapping at the end) and every load in bounds.
bool same_name(std::string_view candidate, std::string_view name) noexcept {
    const std::size_t n = name.size();
    const char* c = candidate.data();
    const char* x = name.data();
    if (n >= 8) {
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            if (!folded_equal<std::uint64_t>(c + i, x + i)) return false;
        }
        return i == n || folded_equal<std::uint64_t>(c + n - 8, x + n - 8);
    }
    if (n >= 4) {
        return folded_equal<std::uint32_t>(c, x) &&
               folded_equal<std::uint32_t>(c + n - 4, x + n - 4);
    }
    if (n >= 2) {
        return folded_equal<std::uint16_t>(c, x) &&
               folded_equal<std::uint16_t>(c + n - 2, x + n - 2);
    }
    return n == 0 || folded_equal<std::uint8_t>(c, x);
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x == y) continue;  // the common case: same spelling
        // Differ only in ASCII letter case: equal after setting bit 0x20, and a letter.
        auto lx = static_cast<unsigned char>(x | 0x20);
        if (lx != static_cast<unsigned char>(y | 0x20) || lx < 'a' || lx > 'z') return false;
    }
    return true;
}

HeaderId header_id(std::string_view name) noexcept {
    if (name.size() == 1) {
        char c = detail::to_lower(name[0]);
        if (c >= 'a' && c <= 'z') return compact_table[static_cast<std::size_t>(c - 'a')];
        return HeaderId::other;
    }
    if (name.empty()) return HeaderId::other;
    // Open addressing over a small hash of length, first and last letter: one or two probes.
    std::size_t slot = name_hash(name);
    while (true) {
        HeaderId id = name_slots[slot];
        if (id == HeaderId::other) return id;
        std::string_view candidate = header_table[static_cast<std::size_t>(id)].name;
        if (candidate.size() == name.size() && same_name(candidate, name)) return id;
        slot = (slot + 1) % name_slots.size();
    }
}

std::string_view canonical_name(HeaderId id) noexcept {
    auto index = static_cast<std::size_t>(id);
    return index < header_table.size() ? header_table[index].name : std::string_view{};
}

bool is_list_header(HeaderId id) noexcept {
    auto index = static_cast<std::size_t>(id);
    return index < header_table.size() && header_table[index].list;
}

void CommaList::Iterator::advance() {
    while (true) {
        if (rest_.empty()) {
            done_ = true;
            current_ = {};
            return;
        }
        std::size_t i = 0;
        int angle = 0;
        while (i < rest_.size()) {
            char c = rest_[i];
            if (c == '"') {
                std::size_t end = detail::skip_quoted(rest_, i);
                i = end == std::string_view::npos ? rest_.size() : end;
                continue;
            }
            if (c == '<') ++angle;
            if (c == '>' && angle > 0) --angle;
            if (c == ',' && angle == 0) break;
            ++i;
        }
        std::string_view element = detail::trim(rest_.substr(0, i));
        rest_ = i < rest_.size() ? rest_.substr(i + 1) : std::string_view{};
        if (!element.empty()) {
            current_ = element;
            done_ = false;
            return;
        }
    }
}

}  // namespace voip::sip
