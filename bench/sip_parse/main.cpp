// bench/sip_parse: our SIP parser against libosip2, sofia-sip and libre, in one run.
//
// Per message of ../shared/bench-corpus/*.sip and on a round-robin mix of all of them, every
// stack parses the whole message from bytes and reads the top Via branch, From/To tags, CSeq,
// Call-ID and the first Contact's host (see stack.hpp). Before anything is timed, each stack's
// reads are checked against the known values of every message, and each serializer's output is
// parsed again and checked the same way; a wrong answer stops the program. After the runs, a
// summary gives msg/s per stack and our ratio to each peer, and checks the target:
// at least 3x the fastest peer on the parse mix.
//
// Flags (besides Google Benchmark's own):
//   --corpus=DIR        the .sip files to use (default: the shared folder beside the checkout)
//   --require-target    exit with status 2 if the target is missed (or our parser is absent)

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "corpus.hpp"
#include "stack.hpp"

#ifndef VOIP_BENCH_CORPUS_DIR
#error "VOIP_BENCH_CORPUS_DIR must name the default corpus folder"
#endif

namespace voip::bench {
namespace {

// Issue 3, item 4: at least 3x the fastest peer on the round-robin parse mix.
constexpr double target_ratio = 3.0;

// One corpus message as one stack sees it: its prepared input and, when the stack can
// serialize, the message parsed once for the serialization benchmark.
struct Entry {
    const CorpusMessage* message = nullptr;
    std::unique_ptr<Prepared> prepared;
    std::unique_ptr<Parsed> parsed;
};

struct Subject {
    std::unique_ptr<Stack> stack;
    std::vector<Entry> entries;  // one per corpus message, in corpus order
};

// ---- correctness, before any timing ---------------------------------------------------------

bool check_fields(const Stack& stack, const CorpusMessage& message, const char* what,
                  const std::optional<Fields>& got, const Fields& want) {
    if (!got) {
        fmt::print(stderr, "FAIL {} {}: {} rejected the message\n", stack.name(), what,
                   message.name);
        return false;
    }
    if (*got != want) {
        fmt::print(stderr, "FAIL {} {}: {} read\n{}but the expected values are\n{}", stack.name(),
                   what, message.name, describe(*got), describe(want));
        return false;
    }
    return true;
}

// Checks every stack on every message: parse reads the expected values (or, for a file we have
// no table for, the same values as the first stack), the timed path accepts it, and serialized
// output parses back to the same values. Prepares the per-message state the benchmarks use.
bool verify(std::deque<Subject>& subjects, const std::vector<CorpusMessage>& corpus) {
    bool ok = true;
    for (std::size_t m = 0; m < corpus.size(); ++m) {
        const CorpusMessage& message = corpus[m];
        std::optional<Fields> reference = message.expected;
        if (!reference) {
            fmt::print("note: {} has no table of expected values; stacks must agree instead\n",
                       message.name);
        }
        for (Subject& subject : subjects) {
            const Stack& stack = *subject.stack;
            Entry& entry = subject.entries[m];
            const auto got = stack.extract(message.bytes, entry.prepared.get());
            if (!reference && got) reference = got;
            if (!reference || !check_fields(stack, message, "parse", got, *reference)) {
                ok = false;
                continue;
            }
            if (!stack.parse_and_read(message.bytes, entry.prepared.get())) {
                fmt::print(stderr, "FAIL {}: timed path rejected {}\n", stack.name(), message.name);
                ok = false;
            }
            if (!stack.serialize_unsupported().empty()) continue;

            entry.parsed = stack.parse_kept(message.bytes, entry.prepared.get());
            std::string out;
            if (!entry.parsed || stack.serialize(*entry.parsed, &out) != out.size() ||
                out.empty()) {
                fmt::print(stderr, "FAIL {}: could not serialize {}\n", stack.name(), message.name);
                ok = false;
                continue;
            }
            const auto again_prepared = stack.prepare(out);
            const auto again = stack.extract(out, again_prepared.get());
            ok = check_fields(stack, message, "serialize+reparse", again, *reference) && ok;
        }
    }
    return ok;
}

// ---- the timed loops --------------------------------------------------------------------------

// Parses the entries round-robin, one message per iteration (a single entry: that message).
void bench_parse(benchmark::State& state, const Stack& stack, std::vector<const Entry*> entries) {
    std::size_t next = 0;
    std::int64_t bytes = 0;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        const Entry& entry = *entries[next];
        if (!stack.parse_and_read(entry.message->bytes, entry.prepared.get())) {
            state.SkipWithError("parse failed");
            break;
        }
        bytes += static_cast<std::int64_t>(entry.message->bytes.size());
        if (++next == entries.size()) next = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(bytes);
}

void bench_serialize(benchmark::State& state, const Stack& stack,
                     std::vector<const Entry*> entries) {
    std::size_t next = 0;
    std::int64_t bytes = 0;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        const std::size_t written = stack.serialize(*entries[next]->parsed, nullptr);
        if (written == 0) {
            state.SkipWithError("serialize failed");
            break;
        }
        bytes += static_cast<std::int64_t>(written);
        if (++next == entries.size()) next = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(bytes);
}

std::string bench_name(std::string_view kind, std::string_view message, std::string_view stack) {
    return fmt::format("{}/{}/{}", kind, message, stack);
}

void register_benchmarks(const std::deque<Subject>& subjects,
                         const std::vector<CorpusMessage>& corpus) {
    for (const char* kind : {"parse", "serialize"}) {
        const bool parse = std::strcmp(kind, "parse") == 0;
        // Per message first, then the mix; stacks side by side so that each comparison is made
        // over the same few seconds of a shared machine.
        for (std::size_t m = 0; m <= corpus.size(); ++m) {
            const bool mix = m == corpus.size();
            for (const Subject& subject : subjects) {
                const Stack& stack = *subject.stack;
                if (!parse && !stack.serialize_unsupported().empty()) continue;
                std::vector<const Entry*> entries;
                for (std::size_t i = 0; i < corpus.size(); ++i)
                    if (mix || i == m) entries.push_back(&subject.entries[i]);
                const std::string name =
                    bench_name(kind, mix ? "mix" : corpus[m].name, stack.name());
                if (parse) {
                    benchmark::RegisterBenchmark(name.c_str(), bench_parse, std::cref(stack),
                                                 entries);
                } else {
                    benchmark::RegisterBenchmark(name.c_str(), bench_serialize, std::cref(stack),
                                                 entries);
                }
            }
        }
    }
}

// ---- summary ----------------------------------------------------------------------------------

// Console output as usual, plus the items/s of every benchmark for the summary (the median of
// the repetitions when --benchmark_repetitions is used).
class SummaryReporter final : public benchmark::ConsoleReporter {
public:
    explicit SummaryReporter(OutputOptions options) : ConsoleReporter(options) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.error_occurred) continue;
            const auto rate = run.counters.find("items_per_second");
            if (rate == run.counters.end()) continue;
            const std::string& name = run.run_name.function_name;
            if (run.run_type == Run::RT_Aggregate) {
                if (run.aggregate_name == "median") medians_[name] = rate->second.value;
            } else {
                samples_[name].push_back(rate->second.value);
            }
        }
    }

    [[nodiscard]] std::optional<double> rate(const std::string& name) const {
        if (const auto median = medians_.find(name); median != medians_.end())
            return median->second;
        const auto samples = samples_.find(name);
        if (samples == samples_.end() || samples->second.empty()) return std::nullopt;
        std::vector<double> sorted = samples->second;
        std::sort(sorted.begin(), sorted.end());
        return sorted[sorted.size() / 2];
    }

private:
    std::map<std::string, double> medians_;
    std::map<std::string, std::vector<double>> samples_;
};

std::string rate_text(std::optional<double> rate) {
    if (!rate) return "-";
    if (*rate >= 1e6) return fmt::format("{:.2f}M", *rate / 1e6);
    return fmt::format("{:.0f}k", *rate / 1e3);
}

std::string ratio_text(std::optional<double> ours, std::optional<double> peer) {
    if (!ours || !peer || *peer <= 0) return "-";
    return fmt::format("{:.2f}x", *ours / *peer);
}

// Prints one table (parse or serialize); returns our rate and the fastest peer's on the mix.
struct MixRates {
    std::optional<double> ours;
    std::optional<double> fastest_peer;
    std::string fastest_peer_name;
};

MixRates print_table(std::string_view kind, const std::deque<Subject>& subjects,
                     const std::vector<CorpusMessage>& corpus, const SummaryReporter& results) {
    const Subject* ours = nullptr;
    std::vector<const Subject*> shown;
    std::vector<const Subject*> peers;
    for (const Subject& subject : subjects) {
        const bool can = kind == "parse" || subject.stack->serialize_unsupported().empty();
        if (!can) continue;
        shown.push_back(&subject);
        if (subject.stack->name() == "voip") {
            ours = &subject;
        } else {
            peers.push_back(&subject);
        }
    }

    std::string header = fmt::format("{:<14}", kind == "parse" ? "parse+read" : "serialize");
    for (const Subject* subject : shown)
        header += fmt::format("{:>10}", subject->stack->name());
    if (ours != nullptr) {
        for (const Subject* peer : peers) {
            header += fmt::format("{:>12}", fmt::format("voip/{}", peer->stack->name()));
        }
    }

    // Rows that --benchmark_filter left without any figure are not printed.
    std::vector<std::string> rows;
    MixRates mix_rates;
    for (std::size_t m = 0; m <= corpus.size(); ++m) {
        const bool mix = m == corpus.size();
        const std::string message = mix ? "mix" : corpus[m].name;
        std::string line = fmt::format("{:<14}", message);
        std::optional<double> our_rate;
        if (ours != nullptr)
            our_rate = results.rate(bench_name(kind, message, ours->stack->name()));
        bool any = false;
        for (const Subject* subject : shown) {
            const auto rate = results.rate(bench_name(kind, message, subject->stack->name()));
            any = any || rate.has_value();
            line += fmt::format("{:>10}", rate_text(rate));
            if (mix && subject != ours && rate &&
                (!mix_rates.fastest_peer || *rate > *mix_rates.fastest_peer)) {
                mix_rates.fastest_peer = rate;
                mix_rates.fastest_peer_name = subject->stack->name();
            }
        }
        if (ours != nullptr) {
            for (const Subject* peer : peers) {
                const auto peer_rate = results.rate(bench_name(kind, message, peer->stack->name()));
                line += fmt::format("{:>12}", ratio_text(our_rate, peer_rate));
            }
        }
        if (any) rows.push_back(std::move(line));
        if (mix) mix_rates.ours = our_rate;
    }
    if (rows.empty()) {
        fmt::print("{}: not run\n", kind);
    } else {
        fmt::print("{}\n", header);
        for (const std::string& row : rows)
            fmt::print("{}\n", row);
    }
    return mix_rates;
}

// Returns whether the parse target is met (false when it could not be measured).
bool print_summary(const std::deque<Subject>& subjects, const std::vector<CorpusMessage>& corpus,
                   const SummaryReporter& results) {
    fmt::print(
        "\n== sip_parse summary: messages per second on one thread (higher is better). The "
        "machine is shared and noisy: compare the ratios within this run, not absolute rates "
        "across runs. ==\n\n");
    const MixRates parse = print_table("parse", subjects, corpus, results);
    fmt::print("\n");
    print_table("serialize", subjects, corpus, results);
    for (const Subject& subject : subjects) {
        if (!subject.stack->serialize_unsupported().empty()) {
            fmt::print("  ({} not in the serialize table: {})\n", subject.stack->name(),
                       subject.stack->serialize_unsupported());
        }
    }

    fmt::print("\nTarget (issue 3 item 4): voip >= {:.1f}x the fastest peer on the parse mix.\n",
               target_ratio);
    if (!parse.fastest_peer) {
        fmt::print("  not measured: no peer ran the parse mix (check --benchmark_filter)\n");
        return false;
    }
    const double needed = target_ratio * *parse.fastest_peer;
    fmt::print("  fastest peer: {} at {} msg/s, so the target is {} msg/s\n",
               parse.fastest_peer_name, rate_text(parse.fastest_peer), rate_text(needed));
    if (!parse.ours) {
        fmt::print("  voip: not measured (filtered out by --benchmark_filter)\n");
        return false;
    }
    const bool met = *parse.ours >= needed;
    fmt::print("  voip: {} msg/s = {:.2f}x {} -> target {}\n", rate_text(parse.ours),
               *parse.ours / *parse.fastest_peer, parse.fastest_peer_name, met ? "MET" : "NOT MET");
    return met;
}

// Removes --corpus=DIR and --require-target from argv (Google Benchmark rejects unknown flags).
struct Options {
    std::string corpus = VOIP_BENCH_CORPUS_DIR;
    bool require_target = false;
    // Google Benchmark's console reporter reads --benchmark_color itself, but a custom reporter
    // is given its output options: colour only on a terminal, unless the flag says otherwise.
    bool color = isatty(STDOUT_FILENO) != 0;
};

Options take_options(int& argc, char** argv) {
    Options options;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("--corpus=")) {
            options.corpus = std::string{arg.substr(std::strlen("--corpus="))};
        } else if (arg == "--require-target") {
            options.require_target = true;
        } else {
            if (arg.starts_with("--benchmark_color=")) {
                const std::string_view value = arg.substr(std::strlen("--benchmark_color="));
                options.color = value == "true" || value == "yes" || value == "1" ||
                                (value == "auto" && isatty(STDOUT_FILENO) != 0);
            }
            argv[kept++] = argv[i];  // Google Benchmark's flags stay for Initialize()
        }
    }
    argc = kept;
    return options;
}

int run(int argc, char** argv) {
    const Options options = take_options(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    const std::vector<CorpusMessage> corpus = load_corpus(options.corpus);
    fmt::print("corpus: {} ({} messages)\n", options.corpus, corpus.size());

    // A deque: Subjects never move once made, so the benchmarks can keep references.
    std::deque<Subject> subjects;
    for (auto make : {make_voip_stack, make_osip_stack, make_sofia_stack, make_libre_stack}) {
        auto stack = make();
        Subject& subject = subjects.emplace_back();
        subject.stack = std::move(stack);
        for (const CorpusMessage& message : corpus) {
            subject.entries.push_back(
                Entry{&message, subject.stack->prepare(message.bytes), nullptr});
        }
    }

    if (!verify(subjects, corpus)) {
        fmt::print(stderr, "correctness check failed: not benchmarking wrong answers\n");
        return 1;
    }
    fmt::print(
        "correctness check passed: every stack read the expected values of every "
        "message, and every serializer's output parsed back to them\n\n");

    register_benchmarks(subjects, corpus);
    SummaryReporter reporter(options.color ? benchmark::ConsoleReporter::OO_ColorTabular
                                           : benchmark::ConsoleReporter::OO_Tabular);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const bool met = print_summary(subjects, corpus, reporter);
    benchmark::Shutdown();
    return options.require_target && !met ? 2 : 0;
}

}  // namespace
}  // namespace voip::bench

int main(int argc, char** argv) {
    try {
        return voip::bench::run(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "sip_parse_bench: %s\n", error.what());
        return 1;
    }
}
