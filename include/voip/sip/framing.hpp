#pragma once
// Stream framing for SIP over TCP/TLS (RFC 3261 §18.3) with RFC 5626 §4.4.1 keep-alives.

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/message.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace voip::sip {

/// Cuts a byte stream into whole SIP messages. Feed it what the socket returns, in chunks of any
/// size, then call next() until it returns std::nullopt. Content-Length is mandatory on streams.
///
/// Between messages, RFC 5626 §4.4.1 keep-alives are reported as frames of their own: a CRLFCRLF
/// is a ping (answer it with a CRLF pong), a lone CRLF is a pong. Which one a CRLF at the very
/// end of the buffered bytes is depends on the side of the flow (KeepAliveRole): the side that
/// sends pings (the flow's client, the default) reports it at once as the pong it awaits; the
/// side that answers them (server) waits for the next bytes, so a ping split between two reads
/// is still one ping.
///
/// Errors are sticky (the stream has lost its framing; close the connection): bad_framing for
/// bytes that cannot start a message, too_large when a message would exceed the limit,
/// missing_content_length / bad_content_length when the header section lacks a usable one.
class StreamFramer {
public:
    enum class FrameKind { message, ping, pong };
    struct Frame {
        FrameKind kind = FrameKind::message;
        std::string bytes;  ///< the whole message (empty for ping/pong); parse it with parse()
    };

    /// RFC 5626 §4.4.1 roles: the client sends pings and receives pongs, the server the reverse.
    enum class KeepAliveRole { client, server };

    explicit StreamFramer(ParseLimits limits = {}, KeepAliveRole role = KeepAliveRole::client)
        : limits_(limits), role_(role) {}

    /// Append received bytes. Fails (sticky) once a framing error has been seen, or with
    /// too_large when more than 4 × max_message_bytes are buffered without being taken.
    Result<void> feed(std::string_view chunk);
    /// The next complete frame, std::nullopt when more bytes are needed, or an error.
    [[nodiscard]] Result<std::optional<Frame>> next();
    /// Bytes buffered but not yet returned.
    [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
    ParseLimits limits_;
    KeepAliveRole role_;
    std::string buffer_;
    std::size_t start_ = 0;    // first unconsumed byte
    std::size_t scanned_ = 0;  // header-end search resumes here (relative to start_)
    std::size_t pending_ = 0;  // length of the message being awaited, once its headers are in
    bool start_checked_ = false;
    std::error_code failed_;

    Result<std::optional<Frame>> fail(std::error_code ec);
};

}  // namespace voip::sip
