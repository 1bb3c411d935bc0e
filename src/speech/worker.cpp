#include "speech/worker.hpp"

namespace voip::speech::detail {

asio::thread_pool& worker() {
    // Joined at exit, after main() returned (a transcription still running is finished first).
    static asio::thread_pool pool{1};
    return pool;
}

}  // namespace voip::speech::detail
