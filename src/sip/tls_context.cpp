// TLS contexts and per-connection checks for SIP over TLS (RFC 3261 §26.3.1, RFC 5922 §7:
// the server certificate must match the host the client meant to reach).

#include <voip/log.hpp>
#include <voip/sip/transport_error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "sip/transport_state.hpp"

namespace voip::sip::detail {
namespace {

void harden(asio::ssl::context& ctx) {
    // TLS 1.2 is the floor (RFC 8996 deprecates 1.0 and 1.1); no compression (CRIME).
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
}

}  // namespace

Result<std::unique_ptr<asio::ssl::context>> make_tls_client_context(const TlsConfig& config) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    harden(*ctx);
    std::error_code ec;
    if (config.verify_peer) {
        ctx->set_verify_mode(asio::ssl::verify_peer, ec);
        if (ec) return ec;
        if (config.ca_file.empty()) {
            ctx->set_default_verify_paths(ec);
        } else {
            ctx->load_verify_file(config.ca_file, ec);
        }
        if (ec) return ec;
    } else {
        ctx->set_verify_mode(asio::ssl::verify_none, ec);
        if (ec) return ec;
    }
    return ctx;
}

Result<std::unique_ptr<asio::ssl::context>> make_tls_server_context(const TlsConfig& config) {
    if (config.certificate_file.empty() || config.private_key_file.empty())
        return TransportError::tls_not_configured;
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    harden(*ctx);
    std::error_code ec;
    ctx->use_certificate_chain_file(config.certificate_file, ec);
    if (ec) return ec;
    ctx->use_private_key_file(config.private_key_file, asio::ssl::context::pem, ec);
    if (ec) return ec;
    // Clients are not asked for certificates (SIP digest authenticates them).
    ctx->set_verify_mode(asio::ssl::verify_none, ec);
    if (ec) return ec;
    return ctx;
}

void prepare_tls_client(SSL* ssl, const std::string& server_name, const asio::ip::address& ip,
                        bool verify) {
    bool name_is_ip = false;
    if (!server_name.empty()) {
        std::error_code ec;
        (void)asio::ip::make_address(server_name, ec);
        name_is_ip = !ec;
    }
    // RFC 6066 §3: SNI carries host names only, never IP literals.
    if (!server_name.empty() && !name_is_ip) SSL_set_tlsext_host_name(ssl, server_name.c_str());
    if (!verify) return;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (!server_name.empty() && !name_is_ip) {
        SSL_set1_host(ssl, server_name.c_str());
    } else {
        const std::string text = name_is_ip ? server_name : ip.to_string();
        X509_VERIFY_PARAM_set1_ip_asc(param, text.c_str());
    }
}

std::error_code classify_tls_failure(SSL* ssl, std::error_code ec) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify == X509_V_OK) {
        log::warning("sip.transport", "TLS handshake failed: {}", ec.message());
        return TransportError::tls_handshake_failed;
    }
    log::warning("sip.transport", "TLS certificate rejected: {}",
                 X509_verify_cert_error_string(verify));
    switch (verify) {
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
        case X509_V_ERR_EMAIL_MISMATCH:
            return TransportError::tls_hostname_mismatch;
        default:
            return TransportError::tls_certificate_untrusted;
    }
}

}  // namespace voip::sip::detail
