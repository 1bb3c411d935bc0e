// SIP over UDP (RFC 3261 §18): one datagram, one message.

#include <voip/log.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/transport_error.hpp>

#include "sip/transport_state.hpp"

namespace voip::sip::detail {
namespace {

constexpr std::string_view component = "sip.transport";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

bool answerable_request(std::string_view bytes) {
    auto eol = bytes.find('\n');
    if (eol == std::string_view::npos) return false;
    const std::string_view start = trim(bytes.substr(0, eol));
    // A response (or garbage without a request line) cannot be answered.
    if (start.starts_with("SIP/")) return false;
    const auto sp1 = start.find(' ');
    if (sp1 == 0 || sp1 == std::string_view::npos) return false;
    if (start.find(' ', sp1 + 1) == std::string_view::npos) return false;
    // A response needs a Via to find its way back (RFC 3261 §18.2.2). From, To, Call-ID and
    // CSeq are copied when present (§8.2.6.2); RFC 4475 §3.3.1 (insuf) wants a 400 even when
    // they are missing.
    std::string_view rest = bytes.substr(eol + 1);
    while (!rest.empty()) {
        eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        if (trim(line).empty()) break;  // end of the header section
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = trim(line.substr(0, colon));
        if (iequals(name, "via") || iequals(name, "v")) return true;
    }
    return false;
}

void TransportState::start_udp_receive(UdpSocket& socket) {
    socket.socket.async_receive_from(
        asio::buffer(socket.buffer), socket.sender,
        [self = shared_from_this(), s = &socket](std::error_code ec, std::size_t n) {
            if (self->shut_down || ec == asio::error::operation_aborted) return;
            if (ec) {
                // E.g. an ICMP port unreachable for an earlier send: one error per event.
                log::debug(component, "UDP receive on {}: {}", s->local.to_string(), ec.message());
            } else {
                self->on_udp_datagram(*s, n);
            }
            if (!self->shut_down) self->start_udp_receive(*s);
        });
}

void TransportState::on_udp_datagram(UdpSocket& socket, std::size_t n) {
    const std::string_view data(socket.buffer.data(), n);
    const TransportAddress source{TransportKind::udp, socket.sender.address(),
                                  socket.sender.port()};
    // Bare CRLF datagrams are keep-alives some UAs send over UDP: nothing to do.
    if (data.find_first_not_of("\r\n") == std::string_view::npos) return;
    auto parsed = parse_message(data, config.limits);
    if (parsed) {
        deliver(std::move(*parsed), source, socket.local, 0);
    } else {
        report_bad(parsed.error(), std::string(data), source, socket.local, 0);
    }
}

void TransportState::send_udp(const TransportAddress& to, std::shared_ptr<const std::string> bytes,
                              ErrorHandler on_error) {
    // Prefer a socket that can reach the destination: a wildcard bind, or loopback for
    // loopback; else any socket of the family.
    UdpSocket* chosen = nullptr;
    for (auto& socket : udp) {
        const auto& local = socket->local.address;
        if (local.is_v6() != to.address.is_v6()) continue;
        if (!chosen) chosen = socket.get();
        if (local.is_unspecified() || local.is_loopback() == to.address.is_loopback()) {
            chosen = socket.get();
            break;
        }
    }
    if (!chosen) {
        post_error(std::move(on_error), TransportError::no_transport);
        return;
    }
    const auto& buffer = *bytes;
    chosen->socket.async_send_to(asio::buffer(buffer), asio::ip::udp::endpoint(to.address, to.port),
                                 [self = shared_from_this(), bytes = std::move(bytes),
                                  on_error = std::move(on_error)](std::error_code ec, std::size_t) {
                                     if (!ec || self->shut_down || !on_error) return;
                                     on_error(ec);
                                 });
}

}  // namespace voip::sip::detail
