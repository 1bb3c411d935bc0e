#pragma once
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) for the STUN FINGERPRINT (RFC 5389
// §15.5). zlib's crc32 would be the natural choice but zlib is not among the project's
// dependencies, and OpenSSL exposes no public CRC-32; for ~100-byte STUN messages a 1 KiB
// table-driven CRC is small, fast and checked against the RFC 5769 test vectors.

#include <cstdint>
#include <span>

namespace voip::stun::detail {

[[nodiscard]] std::uint32_t crc32(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace voip::stun::detail
