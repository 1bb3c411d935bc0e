#pragma once
// Kamailio (/usr/sbin/kamailio, Debian's kamailio) as a test's proxy or registrar on 127.0.0.1:
// a config written from a template, validated with `kamailio -c`, run in the foreground
// (-DD -E) with its log in a file, and asked with OPTIONS whether it is ready. Plus a fixture
// that keeps one Kamailio for a whole suite. A missing Kamailio is a failure, never a pass.

#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "run_loop.hpp"

namespace voip::interop {

inline constexpr const char* kamailio = "/usr/sbin/kamailio";

/// @p text with every @p from replaced by @p to.
inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// One Kamailio, stopped at destruction (SIGTERM, then SIGKILL after 5 s).
class Kamailio {
public:
    /// Writes @p config_template into @p dir as kamailio.cfg, each "@KEY@" of @p values
    /// replaced by its value, checks it with `kamailio -c` (bounded 30 s) and, when that
    /// passes, starts Kamailio with its runtime files and log (kamailio.out) in @p dir.
    Kamailio(const fs::path& dir, const fs::path& config_template,
             const std::map<std::string, std::string>& values) {
        std::string text = read_text(config_template);
        for (const auto& [key, value] : values) {
            std::string marker = "@";
            marker += key;
            marker += '@';
            text = replace_all(std::move(text), marker, value);
        }
        const auto cfg = (dir / "kamailio.cfg").string();
        std::ofstream(cfg) << text;
        {
            ChildProcess check({kamailio, "-c", "-f", cfg}, dir / "check.out");
            check_code_ = check.wait(std::chrono::seconds(30));
            check_log_ = check.log();
        }
        if (check_code_ != 0) return;
        process_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{kamailio, "-DD", "-E", "-f", cfg, "-Y", dir.string(), "-P",
                                     (dir / "kamailio.pid").string(), "-m", "64", "-M", "8"},
            dir / "kamailio.out");
    }

    /// `kamailio -c`'s exit code (nullopt: it did not finish in 30 s) and its output.
    [[nodiscard]] const std::optional<int>& check_code() const noexcept { return check_code_; }
    [[nodiscard]] const std::string& check_log() const noexcept { return check_log_; }
    /// The running Kamailio; null when the check failed.
    [[nodiscard]] ChildProcess* process() const noexcept { return process_.get(); }
    [[nodiscard]] std::string log() const { return process_ ? process_->log() : check_log_; }

    /// True once an OPTIONS over UDP to 127.0.0.1:@p port gets its 200 (bounded 10 s).
    bool wait_ready(std::uint16_t port) {
        using namespace std::chrono_literals;
        if (ready_) return true;
        asio::io_context io;
        sip::UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:0"};
        config.timers.t1 = 100ms;
        sip::UserAgent ua{io.get_executor(), config};
        const auto to =
            sip::TransportAddress::parse("udp:127.0.0.1:" + std::to_string(port)).value();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!ready_ && std::chrono::steady_clock::now() < deadline) {
            std::optional<int> status;
            ua.async_send_request(
                ua.make_request(sip::Method::options, sip::Uri::make_sip({}, "127.0.0.1", port)),
                to, [&](std::error_code ec, const sip::Response& r) {
                    status = ec ? 0 : r.status_code();
                });
            while (!status && std::chrono::steady_clock::now() < deadline)
                run_slice(io);
            ready_ = status == 200;
        }
        return ready_;
    }

private:
    std::optional<int> check_code_;
    std::string check_log_;
    std::unique_ptr<ChildProcess> process_;
    bool ready_ = false;
};

/// One Kamailio for a whole parameterised suite (starting it costs about a second), on a free
/// port written as @PORT@ into the config. @p Derived (CRTP) names it:
/// `static fs::path config_template();` and `static constexpr const char* scratch_prefix`.
template <class Derived, class Param>
class KamailioSuite : public ::testing::TestWithParam<Param> {
protected:
    static void SetUpTestSuite() {
        if (!executable(kamailio)) return;
        dir_ = std::make_unique<ScratchDir>(Derived::scratch_prefix);
        port_ = free_port();
        kamailio_ = std::make_unique<Kamailio>(
            dir_->path(), Derived::config_template(),
            std::map<std::string, std::string>{{"PORT", std::to_string(port_)}});
    }
    static void TearDownTestSuite() {
        kamailio_.reset();  // SIGTERM, then SIGKILL after 5 s
        dir_.reset();
    }

    void SetUp() override {
        ASSERT_TRUE(executable(kamailio))
            << kamailio << " not found: install Debian's kamailio (scripts/setup-debian.sh)";
        ASSERT_EQ(kamailio_->check_code(), 0) << "kamailio -c rejected the config:\n"
                                              << kamailio_->check_log();
        ASSERT_TRUE(kamailio_->process());
        ASSERT_FALSE(kamailio_->process()->poll().has_value()) << "kamailio exited:\n"
                                                               << kamailio_->log();
        ASSERT_TRUE(kamailio_->wait_ready(port_)) << "kamailio does not answer OPTIONS:\n"
                                                  << kamailio_->log();
    }

    /// Kamailio's log so far.
    static std::string proxy_log() { return kamailio_->log(); }
    static std::uint16_t port() noexcept { return port_; }

private:
    static inline std::unique_ptr<ScratchDir> dir_;
    static inline std::unique_ptr<Kamailio> kamailio_;
    static inline std::uint16_t port_ = 0;
};

}  // namespace voip::interop
