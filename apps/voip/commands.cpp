#include "commands.hpp"

#include <asio/io_context.hpp>
#include <fmt/format.h>

#include "agent.hpp"
#include "call_dialog.hpp"
#include "demo.hpp"

namespace voip::cli {

int run_command(const Options& options, const Console& console) {
    switch (options.command) {
        case Command::echo:
            return run_echo(options, console);
        case Command::say:
            return run_say(options, console);
        case Command::transcribe:
            return run_transcribe(options, console);
        case Command::record:
            return run_record(options, console);
        case Command::play:
            return run_play(options, console);
        case Command::demo:
            return run_demo_command(options, console);
    }
    return 2;
}

int run_calls(const Options& options, const Console& console,
              const std::function<std::unique_ptr<CallBehaviour>(Agent&)>& make) {
    asio::io_context io;
    Agent agent(io, options, console);
    const auto behaviour = make(agent);
    if (!behaviour) return 1;
    agent.set_busy_check([b = behaviour.get()] { return b->busy(); });
    agent.start([&agent, b = behaviour.get()] {
        if (agent.options().dial) {
            agent.ua().make_dialog<CallDialog>(&agent, b)->dial();
            return;
        }
        agent.ua().on_incoming<CallDialog>(&agent, b);
        std::string where;
        for (const auto& address : agent.ua().local_addresses()) {
            where += (where.empty() ? "" : ", ") + address.to_string();
        }
        agent.console().ok(fmt::format(
            "waiting for calls on {}{} (Ctrl-C to leave)", where,
            agent.options().aor ? " and at " + agent.options().aor->to_string() : std::string()));
    });
    io.run();
    return agent.exit_code();
}

}  // namespace voip::cli

namespace voip::cli {

int run_demo_command(const Options& options, const Console& console) {
    DemoOptions demo;
    if (!options.demo_sentence.empty()) demo.sentence = options.demo_sentence;
    if (options.demo_threshold) demo.threshold = *options.demo_threshold;
    if (options.demo_timeout) demo.timeout = *options.demo_timeout;
    demo.verbosity = options.verbosity;
    demo.color = options.color;
    const int rc = run_demo(demo);
    // The demo installed its own console as the log sink; it is gone now.
    console.install_log_sink();
    return rc;
}

}  // namespace voip::cli
