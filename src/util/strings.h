// Small string helpers shared by the parsers (INI, deb822, sysusers.d,
// tmpfiles.d, unit files, module lists).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// The lines of `text` without their '\n'. A last line without '\n' counts;
// an empty text has no lines.
std::vector<std::string_view> split_lines(std::string_view text);

// `s` without leading and trailing blanks (space, tab, \r, \n, \f, \v).
std::string_view trim(std::string_view s);

// The items between any of the characters of `seps`, each trimmed; empty
// ones dropped: split_any(" a, b ,,c", ",") == {"a", "b", "c"}.
std::vector<std::string> split_any(std::string_view text,
                                   std::string_view seps);

// The items with `sep` between them: join({"a", "b"}, ", ") == "a, b".
std::string join(const std::vector<std::string> &items, std::string_view sep);

// Bytes as lower-case hex, two digits each: to_hex("\x01\xab") == "01ab".
std::string to_hex(std::string_view bytes);

// A file name as `ls -b` shows it, safe to print on a terminal and one line
// per name: \n, \t, \r, \\ and other control characters (C0, DEL and the
// UTF-8 encoded C1 range, which terminals may execute) as C escapes or
// \ooo octal; printable text, UTF-8 included, unchanged.
std::string escape_name(std::string_view name);

} // namespace initpack
