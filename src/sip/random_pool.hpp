#pragma once
// Cryptographically random bytes for tags, branches and Call-IDs (RFC 3261 §19.3: tags and
// branches MUST be cryptographically random), taken from OpenSSL's RAND_bytes in blocks: one
// RAND_bytes call costs ~10,000 instructions whatever its size, and a UAS answers two to four
// of these per call (issue 10).

#include <cstddef>
#include <span>

namespace voip::sip::detail {

/// Fill @p out from a per-thread block of RAND_bytes output (refilled when used up, and
/// discarded in a forked child so that parent and child never share bytes). Throws
/// std::runtime_error when the CSPRNG fails (not input: a broken system).
void random_bytes(std::span<unsigned char> out);

}  // namespace voip::sip::detail
