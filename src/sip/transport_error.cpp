#include <voip/sip/transport_error.hpp>

#include <string>

namespace voip::sip {
namespace {

class TransportCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.transport"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<TransportError>(value)) {
            case TransportError::no_transport:
                return "no local transport for this kind and address family";
            case TransportError::connection_limit:
                return "connection limit reached";
            case TransportError::connection_closed:
                return "connection closed before the message was sent";
            case TransportError::connect_timeout:
                return "connection or TLS handshake timed out";
            case TransportError::idle_timeout:
                return "connection idle for too long";
            case TransportError::message_timeout:
                return "partial message pending for too long";
            case TransportError::write_queue_full:
                return "too many bytes queued on the connection";
            case TransportError::message_too_large:
                return "message exceeds the size limit";
            case TransportError::bad_stream:
                return "unframeable bytes on a stream connection";
            case TransportError::tls_not_configured:
                return "TLS needs a certificate and a private key";
            case TransportError::tls_handshake_failed:
                return "TLS handshake failed";
            case TransportError::tls_certificate_untrusted:
                return "TLS peer certificate is not trusted (unknown or self-signed CA)";
            case TransportError::tls_hostname_mismatch:
                return "TLS peer certificate does not match the expected host name";
            case TransportError::keepalive_timeout:
                return "no keep-alive pong in time";
            case TransportError::unknown_flow:
                return "no open connection with this flow id";
            case TransportError::unsupported_transport:
                return "unsupported transport";
            case TransportError::host_not_found:
                return "host name did not resolve";
            case TransportError::bad_local_address:
                return "malformed local address";
            case TransportError::no_response_route:
                return "response Via gives no address to send to";
            case TransportError::shut_down:
                return "transport layer shut down";
        }
        return "unknown transport error";
    }
};

}  // namespace

const std::error_category& transport_category() noexcept {
    static const TransportCategory category;
    return category;
}

}  // namespace voip::sip
