#include <voip/speech/word_overlap.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace voip::speech {

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '\'') {
            current.push_back(static_cast<char>(std::tolower(u)));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

double word_overlap(std::string_view expected, std::string_view heard) {
    const auto want = words(expected);
    if (want.empty()) return 0.0;
    std::map<std::string, int> available;
    for (auto& w : words(heard))
        ++available[std::move(w)];
    std::size_t matched = 0;
    for (const auto& w : want) {
        if (auto it = available.find(w); it != available.end() && it->second > 0) {
            --it->second;
            ++matched;
        }
    }
    return static_cast<double>(matched) / static_cast<double>(want.size());
}

}  // namespace voip::speech
