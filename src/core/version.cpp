#include <voip/version.hpp>

#include "voip_build_info.hpp"

namespace voip {

std::string_view version() noexcept {
    return VOIP_VERSION_STRING;
}

}  // namespace voip
