# The checked-in .clang-format is applied to every C++ file (STYLE.md).
source "$(dirname "$0")/../lib/common.sh"
need clang-format git
cd "$INITPACK_SOURCE_DIR"
[ -d .git ] || [ -f .git ] || skip "not a git checkout"
bad=()
while IFS= read -r f; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cc' '*.h')
[ ${#bad[@]} -eq 0 ] || fail "not clang-formatted (run clang-format -i): ${bad[*]}"
echo "$(git ls-files '*.cc' '*.h' | wc -l) files formatted"
