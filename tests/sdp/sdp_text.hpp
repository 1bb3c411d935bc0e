#pragma once
// Test helper: SDP written with '\n' in the source, turned into the CRLF form on the wire.

#include <string>
#include <string_view>

namespace voip::sdp::test {

inline std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    for (char c : text) {
        if (c == '\n') out.push_back('\r');
        out.push_back(c);
    }
    return out;
}

}  // namespace voip::sdp::test
