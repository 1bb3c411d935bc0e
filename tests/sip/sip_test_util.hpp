#pragma once
// Helpers shared by the SIP wire-layer tests: read corpus files, summarise a message so that
// a parse → serialize → parse round trip can be compared value by value.

#include <voip/sip/message.hpp>
#include <voip/sip/parser.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace voip::sip::test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline const Message& as_message(const AnyMessage& m) {
    return std::visit([](const auto& x) -> const Message& { return x; }, m);
}

/// The RFC 4475 torture messages and their expected verdicts, beside the checkout.
inline const std::filesystem::path torture_dir =
    std::filesystem::path(VOIP_SHARED_DIR) / "conformance" / "rfc4475";

/// One row of torture_dir/MANIFEST.tsv.
struct TortureRow {
    std::string file;
    std::string section;
    std::string parser;        ///< accept / reject / either
    std::string ua_behaviour;  ///< what a UAS answers, in words
};

inline std::vector<TortureRow> read_torture_manifest() {
    std::vector<TortureRow> rows;
    std::istringstream in(read_file(torture_dir / "MANIFEST.tsv"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::size_t start = 0;
        while (true) {
            const std::size_t tab = line.find('\t', start);
            cols.push_back(line.substr(start, tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        if (cols.size() < 5) throw std::runtime_error("short manifest row: " + line);
        rows.push_back({cols[0], cols[1], cols[3], cols[4]});
    }
    return rows;
}

/// Everything a round trip must preserve, as one comparable string.
inline std::string summary(const AnyMessage& any) {
    const Message& m = as_message(any);
    std::string out;
    if (const auto* req = std::get_if<Request>(&any)) {
        out += "REQ " + std::string(req->method()) + " " + std::string(req->request_uri_text());
    } else {
        const auto& res = std::get<Response>(any);
        out += "RES " + std::to_string(res.status_code()) + " " + std::string(res.reason());
    }
    out += "\n";
    for (std::size_t i = 0; i < m.header_count(); ++i) {
        HeaderField f = m.header_at(i);
        if (f.id == HeaderId::content_length) continue;  // rewritten to the body size
        out += std::string(f.name) + "=" + std::string(f.value) + "\n";
    }
    out += "call-id=" + std::string(m.call_id()) + " from-tag=" + std::string(m.from_tag()) +
           " to-tag=" + std::string(m.to_tag()) + " branch=" + std::string(m.branch()) + "\n";
    out += "body=" + std::string(m.body());
    return out;
}

}  // namespace voip::sip::test
