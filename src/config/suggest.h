// "Did you mean …?" for misspelt setting, section and profile names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// The candidate closest to `word` by edit distance (ignoring case), or ""
// when none is close enough to be a plausible typo: at most 2 edits, and
// at most a third of the word's length.
std::string closest_match(std::string_view word,
                          const std::vector<std::string> &candidates);

} // namespace initpack
