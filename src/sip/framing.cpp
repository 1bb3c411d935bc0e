#include <voip/sip/error.hpp>
#include <voip/sip/framing.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>

#include <cstring>

#include "sip/chars.hpp"

namespace voip::sip {
namespace {

// A start line can only be a request line ending in " SIP/2.0"-like version or a status line.
bool plausible_start_line(std::string_view line) noexcept {
    if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) return true;
    if (line.size() < 8 || !detail::is_token(line.front())) return false;
    std::string_view tail = line.substr(line.size() - 8);
    return tail[0] == ' ' && iequals(tail.substr(1, 4), "SIP/");
}

// Content-Length of a complete header section (start line excluded): the value, or an error.
Result<std::size_t> find_content_length(std::string_view headers) {
    std::optional<std::uint32_t> found;
    std::size_t pos = 0;
    while (pos < headers.size()) {
        std::size_t end = headers.find("\r\n", pos);
        if (end == std::string_view::npos) end = headers.size();
        std::string_view line = headers.substr(pos, end - pos);
        pos = end + 2;
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || line.empty() || detail::is_ws(line[0])) continue;
        HeaderId id = header_id(detail::trim(line.substr(0, colon)));
        if (id != HeaderId::content_length) continue;
        auto value = parse_uint32(detail::trim(line.substr(colon + 1)));
        if (!value || (found && *found != *value)) return ParseError::bad_content_length;
        found = value;
    }
    if (!found) return ParseError::missing_content_length;
    return static_cast<std::size_t>(*found);
}

}  // namespace

Result<std::optional<StreamFramer::Frame>> StreamFramer::fail(std::error_code ec) {
    failed_ = ec;
    buffer_.clear();
    start_ = 0;
    return ec;
}

Result<void> StreamFramer::feed(std::string_view chunk) {
    if (failed_) return failed_;
    if (buffered() + chunk.size() > 4 * limits_.max_message_bytes) {
        failed_ = make_error_code(ParseError::too_large);
        buffer_.clear();
        start_ = 0;
        return failed_;
    }
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    buffer_.append(chunk);
    return {};
}

Result<std::optional<StreamFramer::Frame>> StreamFramer::next() {
    if (failed_) return failed_;
    const std::size_t avail = buffered();
    if (avail == 0) {
        buffer_.clear();
        start_ = 0;
        return std::optional<Frame>{};
    }
    std::string_view data(buffer_.data() + start_, avail);
    if (pending_ == 0 && scanned_ == 0 && data[0] == '\r') {
        // RFC 5626 §4.4.1 keep-alives between messages.
        if (avail < 2) return std::optional<Frame>{};
        if (data[1] != '\n') return fail(make_error_code(ParseError::bad_framing));
        if (avail >= 4 && data.substr(2, 2) == "\r\n") {
            start_ += 4;
            return std::optional<Frame>{Frame{FrameKind::ping, {}}};
        }
        if (avail == 3 && data[2] == '\r') return std::optional<Frame>{};  // maybe a ping
        if (avail == 2 && role_ == KeepAliveRole::server) {
            return std::optional<Frame>{};  // the first half of a ping, most likely
        }
        start_ += 2;
        return std::optional<Frame>{Frame{FrameKind::pong, {}}};
    }
    if (pending_ == 0) {
        if (!start_checked_) {
            std::size_t eol = data.find("\r\n");
            if (eol != std::string_view::npos) {
                if (!plausible_start_line(data.substr(0, eol))) {
                    return fail(make_error_code(ParseError::bad_framing));
                }
                start_checked_ = true;
            } else if (data.find('\n') != std::string_view::npos) {
                return fail(make_error_code(ParseError::bad_framing));
            }
        }
        std::size_t from = scanned_ >= 3 ? scanned_ - 3 : 0;
        std::size_t end = data.find("\r\n\r\n", from);
        if (end == std::string_view::npos) {
            if (avail > limits_.max_message_bytes)
                return fail(make_error_code(ParseError::too_large));
            scanned_ = avail;
            return std::optional<Frame>{};
        }
        std::size_t first_eol = data.find("\r\n");
        auto length = find_content_length(data.substr(first_eol + 2, end + 2 - first_eol - 2));
        if (!length) return fail(length.error());
        std::size_t total = end + 4 + *length;
        if (total > limits_.max_message_bytes) return fail(make_error_code(ParseError::too_large));
        pending_ = total;
    }
    if (avail < pending_) return std::optional<Frame>{};
    Frame frame{FrameKind::message, std::string(data.substr(0, pending_))};
    start_ += pending_;
    pending_ = 0;
    scanned_ = 0;
    start_checked_ = false;
    return std::optional<Frame>{std::move(frame)};
}

}  // namespace voip::sip
