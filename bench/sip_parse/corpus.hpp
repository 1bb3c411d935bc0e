#pragma once
// The benchmark corpus (../shared/bench-corpus/*.sip) and what each message must read as.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "stack.hpp"

namespace voip::bench {

struct CorpusMessage {
    std::string name;                ///< file stem, e.g. "01_invite"
    std::string bytes;               ///< the file's exact bytes
    std::optional<Fields> expected;  ///< known values, if this file is one we know
};

/// Loads every *.sip file of `dir`, sorted by name. Throws std::runtime_error if the folder is
/// missing, unreadable or holds no .sip file (setup error: the benchmark cannot run).
std::vector<CorpusMessage> load_corpus(const std::filesystem::path& dir);

}  // namespace voip::bench
