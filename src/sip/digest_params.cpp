#include "sip/digest_params.hpp"

#include <cstddef>

namespace voip::sip::detail {
namespace {

// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'"
// / "~")
bool is_token_char(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '-':
        case '.':
        case '!':
        case '%':
        case '*':
        case '_':
        case '+':
        case '`':
        case '\'':
        case '~':
            return true;
        default:
            return false;
    }
}

// LWS, including line folding left in by a caller that did not unfold (RFC 3261 §25.1).
bool is_lws(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_control(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text) {}

    [[nodiscard]] bool done() const noexcept { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const noexcept { return text_[pos_]; }
    void advance() noexcept { ++pos_; }

    void skip_lws() noexcept {
        while (!done() && is_lws(peek()))
            ++pos_;
    }

    std::string_view token() noexcept {
        const std::size_t start = pos_;
        while (!done() && is_token_char(peek()))
            ++pos_;
        return text_.substr(start, pos_ - start);
    }

    // Unquoted values: RFC 7235 allows only tokens, but deployed servers send things like
    // nonce=abc/def+== unquoted, so anything up to LWS or a comma is taken.
    std::string_view bare_value() noexcept {
        const std::size_t start = pos_;
        while (!done() && !is_lws(peek()) && peek() != ',' && peek() != '"' &&
               !is_control(peek())) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    // RFC 3261 §25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE, quoted-pair =
    // "\" (%x00-09 / %x0B-0C / %x0E-7F). Called on the opening DQUOTE.
    Result<std::string> quoted() {
        std::string out;
        ++pos_;
        while (!done()) {
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (c == '\\') {
                if (done()) break;
                const char escaped = text_[pos_++];
                // The grammar would let "\" escape control bytes too; nothing legitimate needs
                // them in a realm or nonce, and passing them on invites log injection.
                if (is_control(escaped)) return DigestError::invalid_character;
                out.push_back(escaped);
            } else if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_] == '\n' &&
                       (text_[pos_ + 1] == ' ' || text_[pos_ + 1] == '\t')) {
                ++pos_;  // folded line inside qdtext: the CRLF goes, the whitespace stays
            } else if (is_control(c)) {
                return DigestError::invalid_character;
            } else {
                out.push_back(c);
            }
        }
        return DigestError::unterminated_quoted_string;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::error_code fault_at(const Scanner& scanner) {
    if (!scanner.done() && is_control(scanner.peek())) {
        return make_error_code(DigestError::invalid_character);
    }
    return make_error_code(DigestError::malformed_parameter);
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

bool is_token(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (const char c : text) {
        if (!is_token_char(c)) return false;
    }
    return true;
}

Result<std::vector<AuthParam>> parse_digest_params(std::string_view value,
                                                   const DigestLimits& limits) {
    if (value.size() > limits.max_bytes) return DigestError::too_long;
    Scanner in{value};
    in.skip_lws();
    if (in.done()) return DigestError::empty;
    const std::string_view scheme = in.token();
    if (scheme.empty()) return fault_at(in);
    if (!iequals(scheme, "Digest")) return DigestError::not_digest;
    // RFC 3261 §25.1: "Digest" LWS digest-cln; a bare "Digest" falls through to missing_*.
    if (!in.done() && !is_lws(in.peek())) return fault_at(in);

    std::vector<AuthParam> params;
    while (true) {
        // RFC 7230 §7: empty list elements (",,") are allowed and ignored.
        in.skip_lws();
        while (!in.done() && in.peek() == ',') {
            in.advance();
            in.skip_lws();
        }
        if (in.done()) break;
        if (params.size() >= limits.max_parameters) return DigestError::too_many_parameters;

        AuthParam param;
        param.name = in.token();
        if (param.name.empty()) return fault_at(in);
        in.skip_lws();
        if (in.done() || in.peek() != '=') return fault_at(in);
        in.advance();
        in.skip_lws();
        if (in.done()) return DigestError::malformed_parameter;
        if (in.peek() == '"') {
            auto quoted = in.quoted();
            if (!quoted) return quoted.error();
            param.value = std::move(*quoted);
        } else {
            const std::string_view bare = in.bare_value();
            if (bare.empty()) return fault_at(in);
            param.value = std::string{bare};
        }
        params.push_back(std::move(param));

        in.skip_lws();
        if (in.done()) break;
        if (in.peek() != ',') return fault_at(in);
    }
    return params;
}

void append_quoted(std::string& out, std::string_view name, std::string_view value) {
    if (out.back() != ' ') out += ", ";
    out += name;
    out += "=\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

void append_token(std::string& out, std::string_view name, std::string_view value) {
    if (out.back() != ' ') out += ", ";
    out += name;
    out.push_back('=');
    out += value;
}

}  // namespace voip::sip::detail
