#pragma once
/// @file
/// How closely a transcription matches what was said: the share of the expected words that
/// were heard, ignoring case, punctuation and order.

#include <string>
#include <string_view>
#include <vector>

namespace voip::speech {

/// The words of @p text: lower-case runs of letters, digits and apostrophes.
[[nodiscard]] std::vector<std::string> words(std::string_view text);

/// Fraction (0..1) of the words of @p expected found in @p heard, each heard word matching
/// at most one expected word (so "the the the" does not match three "the"s twice over).
/// 0 when @p expected has no words.
[[nodiscard]] double word_overlap(std::string_view expected, std::string_view heard);

}  // namespace voip::speech
