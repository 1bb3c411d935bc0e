#pragma once
// A read-only view over a ";name=value;name2" parameter list as found in URIs, Via, and
// name-addr header values. Zero-copy: names and values are views into the viewed text.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// One parameter: `name` and `value` as written (value empty when absent; a quoted value keeps
/// its quotes, use unquote() to read it).
struct Param {
    std::string_view name;
    std::string_view value;
    bool has_value = false;
};

/// Remove the surrounding DQUOTEs of a quoted-string and resolve quoted-pairs; a value that is
/// not quoted is returned unchanged.
[[nodiscard]] std::string unquote(std::string_view value);

/// Iterates the parameters of text of the form `*( SWS ";" SWS name [ SWS "=" SWS value ] )`.
/// The text must already have been validated (as it is inside a parsed Uri, Via or NameAddr).
class ParamList {
public:
    class Iterator {
    public:
        using value_type = Param;
        using difference_type = std::ptrdiff_t;
        Iterator() = default;
        explicit Iterator(std::string_view rest) : rest_(rest) { advance(); }
        const Param& operator*() const noexcept { return current_; }
        const Param* operator->() const noexcept { return &current_; }
        Iterator& operator++() {
            advance();
            return *this;
        }
        Iterator operator++(int) {
            Iterator copy = *this;
            advance();
            return copy;
        }
        friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.rest_.data() == b.rest_.data());
        }

    private:
        void advance();
        std::string_view rest_;
        Param current_{};
        bool done_ = true;
    };

    ParamList() = default;
    /// `text` starts at the first ';' (or is empty).
    explicit ParamList(std::string_view text) noexcept : text_(text) {}

    [[nodiscard]] Iterator begin() const { return Iterator(text_); }
    [[nodiscard]] Iterator end() const { return {}; }
    [[nodiscard]] bool empty() const noexcept { return begin() == end(); }
    [[nodiscard]] std::size_t size() const;

    /// The parameter named `name` (case-insensitive), if present.
    [[nodiscard]] std::optional<Param> find(std::string_view name) const;
    [[nodiscard]] bool contains(std::string_view name) const { return find(name).has_value(); }
    /// The value of `name` (empty for a valueless parameter), if present.
    [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const;
    /// The text as written, starting at the first ';'.
    [[nodiscard]] std::string_view text() const noexcept { return text_; }

private:
    std::string_view text_;
};

}  // namespace voip::sip
