// Fuzz read_wav: files are untrusted input. Each input is written to a scratch file and read
// back; the first byte chooses whether to resample on read (exercising the resampler too).

#include <voip/codec/wav.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

// The scratch file, removed when the fuzzer exits.
struct Scratch {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("voip_codec_wav_fuzz_" + std::to_string(::getpid()) + ".wav");
    Scratch() = default;
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    ~Scratch() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0) return 0;
    static const Scratch scratch;
    const auto& path = scratch.path;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes + 1), static_cast<std::streamsize>(size - 1));
    }
    const std::uint32_t rates[] = {0, 8000, 16000, 48000};
    auto audio = voip::codec::read_wav(path, rates[bytes[0] % 4]);
    if (audio && !audio->samples.empty()) {
        volatile float sink = audio->samples.back();  // touch the result
        (void)sink;
    }
    return 0;
}
