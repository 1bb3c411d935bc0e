#pragma once
// Start and stop other programs (SIPp, Kamailio, the `voip` CLI, scale instances) from tests
// and benchmarks: posix_spawn with stdout (and stderr, together or apart) to files, bounded
// waits, SIGTERM then SIGKILL on destruction. Plus a scratch directory and loopback ports.
//
// Every child is bounded by its parent's life: it runs under `setpriv --pdeathsig TERM`
// (util-linux, which execs the program, so pid() is the program's own), so a test process that
// dies without running destructors (a crash, a ctest timeout) still ends its children; and
// each child leads its own process group, so the final SIGKILL also reaches what it forked
// (Kamailio's workers). The parent-death signal follows the thread that spawned: spawn from
// a thread that outlives the child (the test's own thread).

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

/// True when something listens on 127.0.0.1:port over TCP when @p tcp, else UDP (our bind
/// fails).
inline bool port_taken(std::uint16_t port, bool tcp) {
    const auto bind_fails = [port](auto socket, auto protocol) {
        using Endpoint = typename decltype(protocol)::endpoint;
        std::error_code ec;
        socket.open(protocol, ec);
        socket.bind(Endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        return static_cast<bool>(ec);
    };
    asio::io_context io;
    return tcp ? bind_fails(asio::ip::tcp::acceptor(io), asio::ip::tcp::v4())
               : bind_fails(asio::ip::udp::socket(io), asio::ip::udp::v4());
}

inline bool udp_port_taken(std::uint16_t port) {
    return port_taken(port, false);
}

inline bool executable(const fs::path& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

/// Where a child's output goes and what it runs in.
struct ChildOptions {
    fs::path cwd{};         ///< empty: ours
    fs::path error_file{};  ///< stderr on its own; empty: stderr goes to the log with stdout
    std::optional<std::vector<std::string>> environment{};  ///< "NAME=value"s; nullopt: ours
};

/// One child process.
class ChildProcess {
public:
    ChildProcess(std::vector<std::string> argv, fs::path log_file, const fs::path& cwd = {})
        : ChildProcess(std::move(argv), std::move(log_file), ChildOptions{.cwd = cwd}) {}

    ChildProcess(std::vector<std::string> argv, fs::path log_file, ChildOptions options)
        : log_(std::move(log_file)), err_(std::move(options.error_file)) {
        // posix_spawn of setpriv always succeeds; a missing program must still be an error here.
        const std::string program = argv.empty() ? std::string{} : argv[0];
        if (!executable(program)) throw std::runtime_error("posix_spawn " + program + " failed");
        argv.insert(argv.begin(), {"/usr/bin/setpriv", "--pdeathsig", "TERM", "--"});
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        if (err_.empty()) {
            posix_spawn_file_actions_adddup2(&actions, 1, 2);
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(),
                                             O_WRONLY | O_CREAT | O_TRUNC, 0644);
        }
        if (!options.cwd.empty())
            posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);  // its own group, led by itself
        const auto args = pointers(argv);
        char** env = environ;
        std::vector<char*> env_pointers;
        if (options.environment) {
            env_pointers = pointers(*options.environment);
            env = env_pointers.data();
        }
        const int rc = posix_spawn(&pid_, args[0], &actions, &attributes, args.data(), env);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("posix_spawn " + program + " failed");
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

    /// Run @p step repeatedly (e.g. an io_context slice; none: sleep 10 ms) until the process
    /// exits or @p limit.
    std::optional<int> wait(std::chrono::milliseconds limit,
                            const std::function<void()>& step = {}) {
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

    /// Waits until the log contains @p text (true) or the process exits / @p limit passes.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (log().find(text) != std::string::npos) return true;
            if (poll()) return log().find(text) != std::string::npos;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    /// Sends @p sig to this child (by its pid) while it runs.
    void signal(int sig) {
        if (!poll()) ::kill(pid_, sig);
    }

    /// SIGTERM, up to 5 s, then SIGKILL to its process group (it and what it forked).
    void stop() {
        if (poll()) return;
        ::kill(pid_, SIGTERM);
        if (wait(std::chrono::seconds(5))) return;
        ::kill(-pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        status_ = 128 + SIGKILL;
    }

    /// Its stdout (with stderr, unless ChildOptions::error_file took that apart).
    [[nodiscard]] std::string log() const { return read_text(log_); }
    /// Its stderr when ChildOptions::error_file was given, else empty.
    [[nodiscard]] std::string err() const { return err_.empty() ? std::string{} : read_text(err_); }
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

private:
    static std::vector<char*> pointers(std::vector<std::string>& strings) {
        std::vector<char*> out;
        out.reserve(strings.size() + 1);
        for (auto& s : strings)
            out.push_back(s.data());
        out.push_back(nullptr);
        return out;
    }

    fs::path log_;
    fs::path err_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

/// Waits until @p process listens on 127.0.0.1:@p port (UDP, or TCP when @p tcp): true; false
/// when it exited first or @p limit passed. Bounded.
inline bool wait_listening(ChildProcess& process, std::uint16_t port, bool tcp,
                           std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (process.poll()) return false;
        if (port_taken(port, tcp)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace voip::interop
