// voip: answer and make SIP calls from the command line.
//   voip [AOR] <echo|say|transcribe|record|play|demo> [options]
// Exit codes: 0 success, 1 call or network failure, 2 bad arguments.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

namespace {

constexpr int exit_bad_arguments = 2;
constexpr int exit_failure = 1;

// CLI11 messages can span lines; the contract is one line on stderr.
std::string one_line(std::string text) {
    for (auto& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace voip::cli;
    try {
        CLI::App app{"voip", "voip"};
        RawOptions raw;
        std::optional<Command> command;
        declare_options(app, raw, command);
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
            std::fprintf(stderr, "voip: error: %s (try --help)\n", one_line(e.what()).c_str());
            return exit_bad_arguments;
        }
        if (!command) {
            std::fputs("voip: error: no command given (try --help)\n", stderr);
            return exit_bad_arguments;
        }
        const auto env = Environment::from_process();
        auto validated = validate(*command, raw, env);
        if (!validated.options) {
            std::fprintf(stderr, "voip: error: %s\n", one_line(validated.error).c_str());
            return exit_bad_arguments;
        }
        const Options& options = *validated.options;
        Console console(options.verbosity, options.color);
        console.install_log_sink();
        return run_command(options, console);
    } catch (const std::exception& e) {
        // Setup failures (a port already taken, an unreadable certificate) end here: one line.
        std::fprintf(stderr, "voip: error: %s\n", one_line(e.what()).c_str());
        return exit_failure;
    } catch (...) {
        std::fputs("voip: error: unexpected failure\n", stderr);
        return exit_failure;
    }
}
