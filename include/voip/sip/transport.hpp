#pragma once
/// @file
/// Settings and delivery types of the SIP transport layer (RFC 3261 §18).

#include <voip/sip/message.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/tls_config.hpp>
#include <voip/sip/transport_address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace voip::sip {

/// Identifies one TCP/TLS connection (an RFC 5626 flow). 0 means "no connection" (UDP).
using FlowId = std::uint64_t;

/// Limits and policies of a TransportLayer. Every limit has a safe default.
struct TransportConfig {
    /// Per-message limits for the parser and the stream framer.
    ParseLimits limits{};
    /// RFC 3261 §18.1.1: a request larger than this (path MTU 1500 - 200) that would go over
    /// UDP goes over TCP when a TCP transport of the same address family is listening.
    std::size_t udp_size_threshold = 1300;
    /// Open TCP/TLS connections (inbound + outbound). Beyond it the oldest idle connection is
    /// closed; when none is idle, new inbound ones are refused and new outbound ones fail.
    std::size_t max_connections = 256;
    /// A connection with no traffic for this long is closed.
    std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
    /// A partial message (headers or body not complete) older than this closes the connection:
    /// a peer cannot hold memory by dripping bytes.
    std::chrono::milliseconds message_timeout = std::chrono::seconds(32);
    /// TCP connect plus TLS handshake (64*T1, like Timer B).
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(32);
    /// Bytes queued for writing on one connection before sends fail with write_queue_full.
    std::size_t max_write_queue_bytes = std::size_t{1024} * 1024;
    /// RFC 3261 §18.2.1 / RFC 3581 §4: add `received`/`rport` to the top Via of received
    /// requests before handing them up.
    bool stamp_received = true;
    /// SO_RCVBUF of each UDP socket. A burst of requests larger than the buffer is dropped by
    /// the kernel before we see it (retransmitted later, at a cost): 4 MiB holds ~8,000
    /// INVITEs, enough for 20,000 calls/s on loopback. Linux caps it at
    /// /proc/sys/net/core/rmem_max (a warning is logged then). 0 = leave the system default.
    std::size_t udp_receive_buffer_bytes = std::size_t{4} * 1024 * 1024;
    /// SO_SNDBUF of each UDP socket; 0 = leave the system default.
    std::size_t udp_send_buffer_bytes = 0;
    /// SO_REUSEPORT on UDP sockets and TCP/TLS listeners, so several UserAgents (one per core,
    /// each in its own thread or process) can listen on the same address and port; the kernel
    /// spreads datagrams by source address and port (docs/scaling.md).
    bool reuse_port = false;
    TlsConfig tls{};
};

/// A message received by the transport layer.
struct ReceivedMessage {
    AnyMessage message;       ///< the parsed request or response
    TransportAddress source;  ///< where it came from (for streams: the connection's peer)
    TransportAddress local;   ///< the local binding it arrived on
    FlowId flow = 0;          ///< the connection, 0 for UDP
};

/// A UDP datagram that looked like a request but did not parse (RFC 3261 §16.3 / §8.2: the UA
/// may answer 400 statelessly, using the raw bytes, or drop it).
struct BadMessage {
    std::error_code error;  ///< the ParseError
    std::string bytes;      ///< the datagram as received
    TransportAddress source;
    TransportAddress local;
    FlowId flow = 0;  ///< the connection, 0 for UDP (streams keep the connection open)
};

}  // namespace voip::sip
