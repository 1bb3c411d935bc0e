#pragma once
// Test helper: a bare UDP socket on 127.0.0.1 that sends hand-written SIP bytes and collects
// every response that comes back, parsed. Lets a test act as a hostile or sloppy peer.

#include <voip/sip/message.hpp>
#include <voip/sip/transport_address.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace voip::reliability {

class RawUdpPeer {
public:
    explicit RawUdpPeer(asio::io_context& io, std::string_view address = "127.0.0.1")
        : socket_(io, asio::ip::udp::endpoint(asio::ip::make_address(address), 0)),
          host_(socket_.local_endpoint().address().is_v6()
                    ? "[" + socket_.local_endpoint().address().to_string() + "]"
                    : socket_.local_endpoint().address().to_string()) {
        receive();
    }

    [[nodiscard]] std::uint16_t port() const { return socket_.local_endpoint().port(); }

    void send(std::string_view bytes, const sip::TransportAddress& to) {
        std::error_code ec;
        socket_.send_to(asio::buffer(bytes.data(), bytes.size()),
                        asio::ip::udp::endpoint(to.address, to.port), 0, ec);
    }

    /// A request from this peer: @p method to @p to, with a unique branch/Call-ID from @p id.
    [[nodiscard]] std::string request(std::string_view method, const sip::TransportAddress& to,
                                      int id, std::string_view extra_headers = {},
                                      std::string_view body = {}) const {
        std::string r;
        r += std::string(method) + " sip:bob@" + host_ + ":" + std::to_string(to.port) +
             " SIP/2.0\r\n";
        r += "Via: SIP/2.0/UDP " + host_ + ":" + std::to_string(port()) + ";branch=z9hG4bKraw" +
             std::to_string(id) + ";rport\r\n";
        r += "Max-Forwards: 70\r\n";
        r += "From: <sip:mallory@127.0.0.1>;tag=m" + std::to_string(id) + "\r\n";
        r += "To: <sip:bob@127.0.0.1>\r\n";
        r += "Call-ID: raw-" + std::to_string(id) + "@127.0.0.1\r\n";
        r += "CSeq: 1 " + std::string(method) + "\r\n";
        r += extra_headers;
        r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
        r += body;
        return r;
    }

    /// Responses received so far (unparsable datagrams are counted in `garbage`).
    std::vector<sip::Response> responses;
    int garbage = 0;

    [[nodiscard]] int count_status(int status) const {
        int n = 0;
        for (const auto& r : responses)
            n += r.status_code() == status ? 1 : 0;
        return n;
    }

private:
    void receive() {
        socket_.async_receive_from(
            asio::buffer(buffer_), sender_, [this](std::error_code ec, std::size_t n) {
                if (ec == asio::error::operation_aborted) return;
                if (!ec) {
                    auto r = sip::Response::parse(std::string_view(buffer_.data(), n));
                    if (r) {
                        responses.push_back(std::move(*r));
                    } else {
                        ++garbage;
                    }
                }
                receive();
            });
    }

    asio::ip::udp::socket socket_;
    std::string host_;
    asio::ip::udp::endpoint sender_;
    std::array<char, 65536> buffer_{};
};

}  // namespace voip::reliability
