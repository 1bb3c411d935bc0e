// libFuzzer target for StreamFramer: the input is cut into chunks (sizes from the first byte)
// and fed in order. Invariants: the frames handed out, put back together (messages as they
// are, a ping as CRLFCRLF, a pong as CRLF), are exactly the bytes consumed so far; a message
// frame never exceeds the limit; once failed, the framer stays failed.

#include <voip/sip/framing.hpp>
#include <voip/sip/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace voip::sip;
    if (size < 2) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    const auto role = (data[1] & 1) != 0 ? StreamFramer::KeepAliveRole::server
                                         : StreamFramer::KeepAliveRole::client;
    std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
    ParseLimits limits;
    limits.max_message_bytes = 4096;
    StreamFramer framer(limits, role);
    std::string rebuilt;
    std::size_t fed = 0;
    bool failed = false;
    for (std::size_t pos = 0; pos < input.size() && !failed; pos += chunk) {
        std::string_view piece = input.substr(pos, chunk);
        if (!framer.feed(piece)) {
            failed = true;
            break;
        }
        fed += piece.size();
        for (int i = 0; i < 10000; ++i) {
            auto next = framer.next();
            if (!next) {
                failed = true;
                break;
            }
            if (!next->has_value()) break;
            const auto& frame = **next;
            switch (frame.kind) {
                case StreamFramer::FrameKind::ping:
                    rebuilt += "\r\n\r\n";
                    break;
                case StreamFramer::FrameKind::pong:
                    rebuilt += "\r\n";
                    break;
                case StreamFramer::FrameKind::message:
                    if (frame.bytes.size() > limits.max_message_bytes) std::abort();
                    rebuilt += frame.bytes;
                    (void)parse_message(frame.bytes, limits);
                    break;
            }
        }
        if (!failed && rebuilt.size() + framer.buffered() != fed) std::abort();
        if (!failed && rebuilt != input.substr(0, rebuilt.size())) std::abort();
    }
    if (failed && (framer.feed("x").has_value() || framer.next().has_value())) std::abort();
    return 0;
}
