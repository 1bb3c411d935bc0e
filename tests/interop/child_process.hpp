#pragma once
// Start and stop third-party programs (SIPp, Kamailio) for interop tests: posix_spawn with
// stdout/stderr to a log file, bounded waits, SIGTERM then SIGKILL on destruction. Plus a
// scratch directory and a free loopback port.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
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

namespace voip::interop {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed at destruction.
class ScratchDir {
public:
    explicit ScratchDir(std::string_view prefix) {
        std::random_device rd;
        path_ =
            fs::temp_directory_path() /
            (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A loopback port free for both UDP and TCP right now (bind to 0, read it, release).
inline std::uint16_t free_port() {
    asio::io_context io;
    for (int attempt = 0; attempt < 20; ++attempt) {
        asio::ip::udp::socket udp(io,
                                  asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        const auto port = udp.local_endpoint().port();
        std::error_code ec;
        asio::ip::tcp::acceptor tcp(io);
        tcp.open(asio::ip::tcp::v4(), ec);
        if (!ec) tcp.bind(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (!ec) return port;
    }
    throw std::runtime_error("no free loopback port");
}

/// True when something listens on 127.0.0.1:port over UDP (our bind fails).
inline bool udp_port_taken(std::uint16_t port) {
    asio::io_context io;
    asio::ip::udp::socket udp(io);
    std::error_code ec;
    udp.open(asio::ip::udp::v4(), ec);
    udp.bind(asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return static_cast<bool>(ec);
}

inline bool executable(const fs::path& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

/// One child process.
class ChildProcess {
public:
    ChildProcess(std::vector<std::string> argv, fs::path log_file, const fs::path& cwd = {})
        : argv_(std::move(argv)), log_(std::move(log_file)) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
        std::vector<char*> args;
        args.reserve(argv_.size() + 1);
        for (auto& a : argv_)
            args.push_back(a.data());
        args.push_back(nullptr);
        const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("posix_spawn " + argv_[0] + " failed");
    }
    ~ChildProcess() { stop(); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// The exit code once it exited (128+signal when killed), nullopt while running.
    std::optional<int> poll() {
        if (status_) return status_;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return status_;
    }

    /// Run @p step repeatedly (e.g. an io_context slice) until the process exits or @p limit.
    std::optional<int> wait(std::chrono::milliseconds limit, const std::function<void()>& step) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!poll() && std::chrono::steady_clock::now() < deadline) {
            if (step) {
                step();
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        return poll();
    }

    /// SIGTERM, up to 5 s, then SIGKILL. Only this child, by its pid.
    void stop() {
        if (poll()) return;
        ::kill(pid_, SIGTERM);
        if (wait(std::chrono::seconds(5), {})) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        status_ = 128 + SIGKILL;
    }

    [[nodiscard]] std::string log() const { return read_text(log_); }
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

private:
    std::vector<std::string> argv_;
    fs::path log_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

}  // namespace voip::interop
