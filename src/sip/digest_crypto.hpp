#pragma once
// Private to src/sip/digest_*.cpp: the OpenSSL calls behind digest authentication.

#include <voip/result.hpp>
#include <voip/sip/digest.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace voip::sip::detail {

// Lowercase hex of H(parts[0] ":" parts[1] ":" ...) with the algorithm's hash (RFC 7616 §3.4:
// every digest input is colon-joined), fed to EVP piecewise so nothing is concatenated.
[[nodiscard]] Result<std::string> digest_hex(DigestAlgorithm algorithm,
                                             std::initializer_list<std::string_view> parts);

// `bytes` bytes from OpenSSL's CSPRNG, as lowercase hex (nonces, cnonces, opaques).
[[nodiscard]] Result<std::string> random_hex(std::size_t bytes);

// Constant-time comparison for equal lengths (CRYPTO_memcmp); lengths are not secret.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace voip::sip::detail
