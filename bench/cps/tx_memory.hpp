#pragma once
// Bytes per live server transaction (issue 10): a TransactionLayer over a channel that sends
// nothing takes CALLS SIPp-like calls (INVITE → 200 → ACK, BYE → 200) and keeps them for their
// Timer L / Timer J (32 s, never reached here); RSS growth / live transactions.

#include <cstdint>

namespace voip::bench {

/// Prints one line; returns 0 when every call left its two transactions live.
int measure_transaction_memory(std::uint64_t calls);

}  // namespace voip::bench
