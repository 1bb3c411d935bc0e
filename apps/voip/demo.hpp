#pragma once
// `voip demo`: the README's first command. Two user agents on 127.0.0.1 (ephemeral ports, no
// registrar): A dials B over SIP with SRTP required and Opus, says a sentence (Flite) and
// hangs up; B answers with a TranscribeCall (PocketSphinx) and prints what it heard. Both
// print their RTP statistics and A the call setup time. Exit 0 only when the transcription
// matches the sentence closely enough (word overlap, threshold printed).

#include <chrono>
#include <string>

namespace voip::cli {

struct DemoOptions {
    /// What A says. Chosen because Flite's slt voice and PocketSphinx's en-us model agree on
    /// it word for word over Opus.
    std::string sentence = "your package has arrived and will be delivered tomorrow morning";
    /// Share of the sentence's words the transcription must contain for exit code 0.
    double threshold = 0.75;
    /// The whole demo (after loading the engines) is abandoned after this.
    std::chrono::seconds timeout{40};
    int verbosity = 0;   ///< -v: SIP messages; -vv: library info; -vvv: debug
    bool color = false;  ///< colour the SIP messages
};

/// Runs the demo; returns the process exit code (0 pass, 1 failure).
int run_demo(const DemoOptions& options);

}  // namespace voip::cli
