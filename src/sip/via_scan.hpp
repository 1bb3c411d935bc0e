#pragma once
// Allocation-free Via scanning for the message parser: one via-parm at the start of a comma
// list, stopping at the ',' that ends it.

#include <voip/sip/header_types.hpp>

#include <cstddef>
#include <string_view>
#include <system_error>

namespace voip::sip::detail {

/// Parse the via-parm at the start of text; end is the index of the ',' after it, or
/// text.size(). Errors: ParseError::bad_via.
/// When branch is given it receives the branch parameter's value (found in the same scan).
std::error_code parse_via_prefix(std::string_view text, Via& out, std::size_t& end,
                                 std::string_view* branch = nullptr) noexcept;

}  // namespace voip::sip::detail
