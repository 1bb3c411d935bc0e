#include <voip/sip/headers.hpp>
#include <voip/sip/params.hpp>

#include "sip/chars.hpp"

namespace voip::sip {

using detail::is_ws;

void ParamList::Iterator::advance() {
    std::size_t i = detail::skip_ws(rest_, 0);
    if (i >= rest_.size() || rest_[i] != ';') {
        done_ = true;
        rest_ = {};
        return;
    }
    i = detail::skip_ws(rest_, i + 1);
    std::size_t name_begin = i;
    while (i < rest_.size() && rest_[i] != '=' && rest_[i] != ';' && rest_[i] != ',' &&
           !is_ws(rest_[i])) {
        ++i;
    }
    Param p;
    p.name = rest_.substr(name_begin, i - name_begin);
    std::size_t j = detail::skip_ws(rest_, i);
    if (j < rest_.size() && rest_[j] == '=') {
        j = detail::skip_ws(rest_, j + 1);
        std::size_t value_begin = j;
        if (j < rest_.size() && rest_[j] == '"') {
            std::size_t end = detail::skip_quoted(rest_, j);
            j = end == std::string_view::npos ? rest_.size() : end;
        } else {
            while (j < rest_.size() && rest_[j] != ';' && rest_[j] != ',' && !is_ws(rest_[j]))
                ++j;
        }
        p.value = rest_.substr(value_begin, j - value_begin);
        p.has_value = true;
        i = j;
    }
    current_ = p;
    done_ = false;
    rest_ = rest_.substr(i);
}

std::size_t ParamList::size() const {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it)
        ++n;
    return n;
}

std::optional<Param> ParamList::find(std::string_view name) const {
    for (const Param& p : *this) {
        if (iequals(p.name, name)) return p;
    }
    return std::nullopt;
}

std::optional<std::string_view> ParamList::value(std::string_view name) const {
    if (auto p = find(name)) return p->value;
    return std::nullopt;
}

std::string unquote(std::string_view value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
        return std::string(value);
    }
    std::string out;
    out.reserve(value.size() - 2);
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) ++i;
        out.push_back(value[i]);
    }
    return out;
}

}  // namespace voip::sip
