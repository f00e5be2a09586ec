#include "config/suggest.h"

#include <algorithm>
#include <cctype>

namespace initpack {

// Levenshtein distance, case-insensitive. Hand-written: no Debian library
// offers it for C++, and twenty lines are cheaper than a dependency.
static size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); j++)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); j++) {
      size_t above = row[j];
      bool same = std::tolower((unsigned char)a[i - 1]) ==
                  std::tolower((unsigned char)b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + !same});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word,
                          const std::vector<std::string> &candidates) {
  std::string best;
  size_t best_distance =
      std::min<size_t>(2, std::max<size_t>(1, word.size() / 3));
  for (const std::string &c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance || (d == best_distance && best.empty())) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

} // namespace initpack
