#pragma once
// Drive a test's io_context in short slices while waiting for something, always bounded.

#include <asio/io_context.hpp>

#include <chrono>

namespace voip::interop {

/// Runs @p io for up to 5 ms.
inline void run_slice(asio::io_context& io) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
}

/// Runs @p io until @p done() or @p limit (bounded); returns done().
template <class Predicate>
bool run_until(asio::io_context& io, Predicate done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline)
        run_slice(io);
    return done();
}

}  // namespace voip::interop
