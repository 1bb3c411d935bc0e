#pragma once
// The `voip` commands. Each returns the process exit code: 0 success, 1 failure (2, bad
// arguments, is decided before a command runs, except for unreadable audio files).

#include <functional>
#include <memory>

#include "options.hpp"
#include "output.hpp"

namespace voip::cli {

class Agent;
class CallBehaviour;

/// Runs options.command.
int run_command(const Options& options, const Console& console);

/// The user agent loop shared by the call commands: listen (and register), then wait for
/// calls or dial options.dial, each call handled by the behaviour @p make returns.
int run_calls(const Options& options, const Console& console,
              const std::function<std::unique_ptr<CallBehaviour>(Agent&)>& make);

int run_echo(const Options& options, const Console& console);
int run_record(const Options& options, const Console& console);
int run_play(const Options& options, const Console& console);
int run_say(const Options& options, const Console& console);
int run_transcribe(const Options& options, const Console& console);
int run_demo_command(const Options& options, const Console& console);

}  // namespace voip::cli
