#pragma once
/// @file
/// TLS settings of the SIP transports (RFC 3261 §26.3.1, RFC 5630): what the client trusts and
/// what the server presents.

#include <string>

namespace voip::sip {

/// TLS settings for one TransportLayer. The defaults are the safe ones: the client verifies the
/// server's certificate against the system trust store and its host name, TLS 1.2 or newer.
struct TlsConfig {
    /// PEM file of trusted CA certificates; empty: the system store (set_default_verify_paths).
    std::string ca_file;
    /// PEM certificate chain and private key presented by a TLS listener (server side).
    std::string certificate_file;
    std::string private_key_file;
    /// Verify the server certificate (chain and host name). Turning this off accepts any
    /// certificate: for tests and lab set-ups only.
    bool verify_peer = true;
};

}  // namespace voip::sip
