#pragma once
// Run the `voip` program (or any program) from a test: interop::ChildProcess (bounded waits,
// SIGTERM then SIGKILL, never outliving the test) with stdout and stderr captured apart and an
// environment the test decides. Only the child started here is ever signalled, by its pid.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../interop/child_process.hpp"

namespace voip::cli::test {

namespace fs = std::filesystem;
using interop::read_text;

/// A fresh folder under the temp dir, removed at destruction.
class TempDir : public interop::ScratchDir {
public:
    TempDir() : ScratchDir("voip-cli") {}
};

/// A child process with its stdout and stderr in two files of @p folder. It gets our
/// environment without SIP_AOR and SIP_PASSWORD (the tests decide these: @p extra_env).
class Process : public interop::ChildProcess {
public:
    Process(std::vector<std::string> argv, const fs::path& folder,
            const std::vector<std::string>& extra_env = {})
        : ChildProcess(
              std::move(argv), folder / ("out-" + std::to_string(next())),
              interop::ChildOptions{.error_file = folder / ("err-" + std::to_string(next())),
                                    .environment = environment(extra_env)}) {}

    [[nodiscard]] std::string out() const { return log(); }

private:
    static int next() {
        static int n = 0;
        return ++n;
    }

    static std::vector<std::string> environment(const std::vector<std::string>& extra) {
        std::vector<std::string> env;
        for (char** e = environ; *e != nullptr; ++e) {
            std::string entry(*e);
            if (entry.starts_with("SIP_AOR=") || entry.starts_with("SIP_PASSWORD=")) continue;
            env.push_back(std::move(entry));
        }
        env.insert(env.end(), extra.begin(), extra.end());
        return env;
    }
};

/// Runs to completion (bounded); the result.
struct RunResult {
    std::optional<int> exit_code;  ///< nullopt: it did not finish in time (then killed)
    std::string out;
    std::string err;
};

inline RunResult run(std::vector<std::string> argv, std::chrono::milliseconds limit,
                     const std::vector<std::string>& env = {}) {
    TempDir dir;
    Process p(std::move(argv), dir.path(), env);
    RunResult r;
    r.exit_code = p.wait(limit);
    p.stop();
    r.out = p.out();
    r.err = p.err();
    return r;
}

}  // namespace voip::cli::test
