#pragma once
// The thread slow speech work runs on (transcriptions), shared by every call in the process.
// One thread: the engines serialise their work anyway, and a second core stays free for I/O.

#include <asio/thread_pool.hpp>

namespace voip::speech::detail {

[[nodiscard]] asio::thread_pool& worker();

}  // namespace voip::speech::detail
