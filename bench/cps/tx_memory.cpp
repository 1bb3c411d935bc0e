#include "tx_memory.hpp"

#include <voip/sip/message_channel.hpp>
#include <voip/sip/transaction_layer.hpp>

#include <asio/io_context.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <malloc.h>
#include <string>

#include "proc_stats.hpp"

namespace voip::bench {
namespace {

// Sends nothing: the figure is the transaction table's, not the socket buffers'.
class NullChannel final : public sip::MessageChannel {
public:
    void send(const sip::Message& /*message*/, const sip::TransportAddress& /*to*/,
              ErrorHandler /*on_error*/) override {}
    [[nodiscard]] std::string sent_by(const sip::TransportAddress& /*to*/) const override {
        return "127.0.0.1:5060";
    }
};

// What `sipp -sn uac` sends (headers and SDP of the same size), numbered per call.
std::string sipp_request(std::string_view method, std::uint64_t call, std::string_view to_tag,
                         int cseq) {
    const std::string body = method == "INVITE"
                                 ? "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
                                   "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
                                   "a=rtpmap:0 PCMU/8000\r\n"
                                 : "";
    const std::string to = to_tag.empty() ? std::string() : fmt::format(";tag={}", to_tag);
    return fmt::format(
        "{} sip:service@127.0.0.1:5060 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-{}-{}-{}\r\n"
        "From: sipp <sip:sipp@127.0.0.1:5061>;tag={}SIPpTag00{}\r\n"
        "To: service <sip:service@127.0.0.1:5060>{}\r\n"
        "Call-ID: {}-{}@127.0.0.1\r\n"
        "CSeq: {} {}\r\n"
        "Contact: sip:sipp@127.0.0.1:5061\r\n"
        "Max-Forwards: 70\r\n"
        "Subject: Performance Test\r\n"
        "{}"
        "Content-Length: {}\r\n\r\n{}",
        method, call, cseq, method == "ACK" ? "INVITE" : method, call, call, to, call, 12345, cseq,
        method, body.empty() ? "" : "Content-Type: application/sdp\r\n", body.size(), body);
}

}  // namespace

int measure_transaction_memory(std::uint64_t calls) {
    asio::io_context io(1);
    NullChannel channel;
    sip::TransactionLayer layer(io.get_executor(), channel);
    layer.set_max_server_transactions(calls * 2 + 10);
    layer.on_request([](const sip::IncomingRequest& in) {
        if (!in.transaction) return;  // the ACK
        auto response = sip::Response::make_for(in.request, 200, {}, "as6cf1b2d7");
        response.add_header(sip::HeaderId::contact, "<sip:uas@127.0.0.1:5060>");
        response.add_header("Server", "libvoip-cps-bench");
        (void)in.transaction->respond(std::move(response));
    });
    const sip::TransportAddress from{sip::TransportKind::udp, asio::ip::make_address("127.0.0.1"),
                                     5061};
    // Parse everything first: only the transactions are measured.
    std::vector<sip::Request> requests;
    requests.reserve(calls * 3);
    for (std::uint64_t call = 0; call < calls; ++call) {
        requests.push_back(*sip::Request::parse(sipp_request("INVITE", call, "", 1)));
        requests.push_back(*sip::Request::parse(sipp_request("ACK", call, "as6cf1b2d7", 1)));
        requests.push_back(*sip::Request::parse(sipp_request("BYE", call, "as6cf1b2d7", 2)));
    }
    ::malloc_trim(0);
    const long before = rss_kib();
    const auto heap_before = ::mallinfo2().uordblks;
    for (const auto& request : requests) {
        (void)layer.receive(request, from);
        // What the layer posts (no timer fires: they are 32 s away). poll() stops the
        // io_context when it runs out of work: restart() first.
        io.restart();
        io.poll();
    }
    const long after = rss_kib();
    const auto heap_after = ::mallinfo2().uordblks;
    const auto live = layer.server_count();
    const auto per_tx = [live](double bytes) {
        return live == 0 ? 0.0 : bytes / static_cast<double>(live);
    };
    // Heap bytes in use (mallinfo2) are the transactions' own; RSS also holds what malloc
    // keeps around (freed requests' chunks between live ones).
    std::printf(
        "tx-memory: %llu calls (INVITE 200 ACK, BYE 200): %zu live server transactions, "
        "heap in use %.0f bytes and RSS %.0f bytes per live transaction\n",
        static_cast<unsigned long long>(calls), live,
        per_tx(static_cast<double>(heap_after) - static_cast<double>(heap_before)),
        per_tx(static_cast<double>(after - before) * 1024.0));
    return live == calls * 2 ? 0 : 1;
}

}  // namespace voip::bench
