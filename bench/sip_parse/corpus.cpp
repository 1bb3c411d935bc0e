#include "corpus.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

namespace voip::bench {
namespace {

Fields make(std::string branch, std::string from_tag, std::optional<std::string> to_tag,
            std::uint32_t cseq, std::string method, std::string call_id,
            std::optional<std::string> contact_host) {
    return Fields{std::move(branch), std::move(from_tag), std::move(to_tag),      cseq,
                  std::move(method), std::move(call_id),  std::move(contact_host)};
}

// Read by hand from the six files of ../shared/bench-corpus. A file not listed here is still
// benchmarked; the stacks must then agree with each other instead.
const std::map<std::string, Fields>& known_values() {
    static const std::map<std::string, Fields> known{
        {"01_invite", make("z9hG4bK2d4790.1", "9fxced76sl", std::nullopt, 314159, "INVITE",
                           "a84b4c76e66710@pc33.atlanta.example.com", "192.0.2.10")},
        {"02_200ok", make("z9hG4bK2d4790.1", "9fxced76sl", "8321234356", 314159, "INVITE",
                          "a84b4c76e66710@pc33.atlanta.example.com", "198.51.100.20")},
        {"03_register", make("z9hG4bKnashds7", "a73kszlfl", std::nullopt, 2, "REGISTER",
                             "1j9FpLxk3uxtm8tn@192.0.2.10", "192.0.2.10")},
        {"04_401", make("z9hG4bKnashds7", "a73kszlfl", "1410948204", 1, "REGISTER",
                        "1j9FpLxk3uxtm8tn@192.0.2.10", std::nullopt)},
        {"05_bye", make("z9hG4bKnashds10", "8321234356", "9fxced76sl", 231, "BYE",
                        "a84b4c76e66710@pc33.atlanta.example.com", std::nullopt)},
        {"06_ack", make("z9hG4bK74bfa", "9fxced76sl", "8321234356", 314159, "ACK",
                        "a84b4c76e66710@pc33.atlanta.example.com", std::nullopt)},
    };
    return known;
}

}  // namespace

std::vector<CorpusMessage> load_corpus(const std::filesystem::path& dir) {
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".sip") {
            files.push_back(entry.path());
        }
    }
    if (error) {
        throw std::runtime_error("cannot read corpus folder " + dir.string() + ": " +
                                 error.message());
    }
    if (files.empty()) throw std::runtime_error("no .sip file in corpus folder " + dir.string());
    std::sort(files.begin(), files.end());

    std::vector<CorpusMessage> corpus;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + file.string());
        CorpusMessage message;
        message.name = file.stem().string();
        message.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (const auto found = known_values().find(message.name); found != known_values().end())
            message.expected = found->second;
        corpus.push_back(std::move(message));
    }
    return corpus;
}

}  // namespace voip::bench
