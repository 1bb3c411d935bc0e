#pragma once
// Run the `voip` program (or any program) from a test: stdout and stderr captured apart, a
// bounded run time (SIGTERM, then SIGKILL), the exit code. Only the child started here is
// ever signalled, by its pid.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;  // NOLINT: POSIX

namespace voip::cli::test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A fresh folder under the temp dir, removed at destruction.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() /
                ("voip-cli-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

/// A child process with its output in two files.
class Process {
public:
    Process(std::vector<std::string> argv, const fs::path& folder,
            const std::vector<std::string>& extra_env = {})
        : out_(folder / ("out-" + std::to_string(counter()))),
          err_(folder / ("err-" + std::to_string(counter()))) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        std::vector<char*> args;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry(*e);
            // The tests decide these; the caller's shell must not leak in.
            if (entry.starts_with("SIP_AOR=") || entry.starts_with("SIP_PASSWORD=")) continue;
            env_strings.push_back(entry);
        }
        for (const auto& e : extra_env)
            env_strings.push_back(e);
        std::vector<char*> env;
        for (auto& e : env_strings)
            env.push_back(e.data());
        env.push_back(nullptr);
        const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), env.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
    }
    ~Process() { stop(); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    std::optional<int> poll() {
        if (status_) return status_;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return status_;
    }
    /// Waits up to @p limit; nullopt if still running.
    std::optional<int> wait(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!poll() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return poll();
    }
    /// Waits until stdout contains @p text (true) or the process exits / @p limit passes.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (out().find(text) != std::string::npos) return true;
            if (poll()) return out().find(text) != std::string::npos;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    void signal(int sig) {
        if (!poll()) ::kill(pid_, sig);
    }
    /// SIGTERM, 5 s, SIGKILL.
    void stop() {
        if (poll()) return;
        ::kill(pid_, SIGTERM);
        if (wait(std::chrono::seconds(5))) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        status_ = 128 + SIGKILL;
    }
    [[nodiscard]] std::string out() const { return read_file(out_); }
    [[nodiscard]] std::string err() const { return read_file(err_); }

private:
    static int counter() {
        static int n = 0;
        return ++n;
    }

    fs::path out_;
    fs::path err_;
    pid_t pid_ = -1;
    std::optional<int> status_;
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
