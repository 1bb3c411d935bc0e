#include <voip/srtp/transform.hpp>

namespace voip::srtp {

Result<std::unique_ptr<Transform>> Transform::create(const KeyMaterial& local,
                                                     const KeyMaterial& remote) {
    auto outbound = Context::create(local, Context::Direction::outbound);
    if (!outbound) return outbound.error();
    auto inbound = Context::create(remote, Context::Direction::inbound);
    if (!inbound) return inbound.error();
    return std::unique_ptr<Transform>(
        new Transform(std::move(*outbound), std::move(*inbound)));  // private constructor
}

}  // namespace voip::srtp
