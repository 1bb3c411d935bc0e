#pragma once

#include <string_view>

namespace voip {

// The library's version, as built (may differ from the headers a program was compiled with
// when linking a shared library).
[[nodiscard]] std::string_view version() noexcept;

}  // namespace voip
