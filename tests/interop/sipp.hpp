#pragma once
// SIPp (Debian sip-tester) as a test's peer on 127.0.0.1: its command line, what to print when
// it fails, and its statistics file.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "child_process.hpp"

namespace voip::interop {

inline constexpr const char* sipp = "/usr/bin/sipp";

/// What varies between SIPp runs.
struct SippOptions {
    std::string remote{};              ///< "host:port" SIPp calls; empty: it waits to be called
    bool tcp = false;                  ///< -t t1 rather than u1 (UDP, SIPp's default)
    int calls = 1;                     ///< -m: it exits once this many calls ended
    std::string timeout = "30s";       ///< of the whole run, then an error exit (-timeout_error)
    bool trace_messages = false;       ///< every SIP message into sipp_messages_file(dir)
    std::vector<std::string> extra{};  ///< more options, as given
};

/// One call over TCP when @p tcp (else UDP), to @p remote if given, every message traced.
inline SippOptions traced_call(bool tcp, std::string remote = {}) {
    SippOptions options;
    options.remote = std::move(remote);
    options.tcp = tcp;
    options.trace_messages = true;
    return options;
}

inline fs::path sipp_errors_file(const fs::path& dir) {
    return dir / "errors.log";
}
inline fs::path sipp_messages_file(const fs::path& dir) {
    return dir / "messages.log";
}

/// SIPp running @p scenario on 127.0.0.1:@p port (media echo port free too), no stdin, its
/// unexpected messages in sipp_errors_file(@p dir); bounded by SippOptions::timeout.
inline std::vector<std::string> sipp_args(const fs::path& scenario, std::uint16_t port,
                                          const fs::path& dir, const SippOptions& options) {
    std::vector<std::string> args{sipp, "-sf", scenario.string()};
    if (!options.remote.empty()) args.push_back(options.remote);
    const std::vector<std::string> common{"-i",
                                          "127.0.0.1",
                                          "-p",
                                          std::to_string(port),
                                          "-mp",
                                          std::to_string(free_port()),
                                          "-t",
                                          options.tcp ? "t1" : "u1",
                                          "-m",
                                          std::to_string(options.calls),
                                          "-timeout",
                                          options.timeout,
                                          "-timeout_error",
                                          "-nostdin",
                                          "-trace_err",
                                          "-error_file",
                                          sipp_errors_file(dir).string()};
    args.insert(args.end(), common.begin(), common.end());
    if (options.trace_messages) {
        args.insert(args.end(), {"-trace_msg", "-message_file", sipp_messages_file(dir).string()});
    }
    args.insert(args.end(), options.extra.begin(), options.extra.end());
    return args;
}

/// SIPp's output, its errors file and (when traced) every message, for a failure message.
inline std::string sipp_diagnostics(const ChildProcess& process, const fs::path& dir) {
    return "--- sipp output\n" + process.log() + process.err() + "\n--- errors\n" +
           read_text(sipp_errors_file(dir)) + "\n--- messages\n" +
           read_text(sipp_messages_file(dir));
}

/// The last line of SIPp's -trace_stat CSV, by column name (empty when there is none).
inline std::map<std::string, std::string> sipp_stats(const fs::path& file) {
    std::ifstream in(file);
    std::string header;
    std::string line;
    std::string last;
    if (!std::getline(in, header)) return {};
    while (std::getline(in, line)) {
        if (!line.empty()) last = line;
    }
    std::map<std::string, std::string> out;
    std::istringstream names(header);
    std::istringstream values(last);
    std::string name;
    std::string value;
    while (std::getline(names, name, ';') && std::getline(values, value, ';'))
        out[name] = value;
    return out;
}

/// A count of sipp_stats(); -1 when absent (std::stol throws on a value that is no number).
inline long sipp_stat(const std::map<std::string, std::string>& stats, const std::string& key) {
    auto it = stats.find(key);
    return it == stats.end() || it->second.empty() ? -1 : std::stol(it->second);
}

}  // namespace voip::interop
