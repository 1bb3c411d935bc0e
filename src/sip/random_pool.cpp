#include "random_pool.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <pthread.h>
#include <stdexcept>

namespace voip::sip::detail {
namespace {

struct Pool {
    std::array<unsigned char, 512> bytes{};
    std::size_t used = bytes.size();  // empty
};

thread_local Pool pool;

// After fork() only the forking thread lives on in the child, with a copy of its pool: drop it.
void forget_after_fork() {
    pool.used = pool.bytes.size();
}

}  // namespace

void random_bytes(std::span<unsigned char> out) {
    static std::once_flag registered;
    std::call_once(registered, [] { ::pthread_atfork(nullptr, nullptr, forget_after_fork); });
    while (!out.empty()) {
        if (pool.used == pool.bytes.size()) {
            if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1) {
                throw std::runtime_error("RAND_bytes failed");  // the CSPRNG is broken
            }
            pool.used = 0;
        }
        const std::size_t n = std::min(out.size(), pool.bytes.size() - pool.used);
        std::copy_n(pool.bytes.begin() + static_cast<std::ptrdiff_t>(pool.used), n, out.begin());
        // Each byte is handed out once.
        std::fill_n(pool.bytes.begin() + static_cast<std::ptrdiff_t>(pool.used), n, 0);
        pool.used += n;
        out = out.subspan(n);
    }
}

}  // namespace voip::sip::detail
