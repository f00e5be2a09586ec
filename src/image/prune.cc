#include "image/prune.h"

#include "context.h"
#include "image/consistency.h"
#include "image/elf.h"
#include "image/tree.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/timer.h"

#include <algorithm>
#include <array>
#include <deque>
#include <fnmatch.h>
#include <iostream>
#include <set>

namespace initpack {

namespace {

// PAM modules (LIBDIR/security/pam_*.so) are loaded only when a PAM
// configuration names them, so unlike other plugins they are candidates:
// reached from the lines of /etc/pam.d and /usr/lib/pam.d. An unnamed one
// (pam_userdb.so) would otherwise keep its libraries (libdb, 1.8 MB).
bool is_pam_module_dir(const std::string &dir) {
  return basename(dir) == "security" && is_library_dir(dirname(dir));
}

bool is_pam_config(const std::string &path) {
  std::string dir = dirname(path);
  return dir == "etc/pam.d" || dir == "usr/lib/pam.d";
}

bool is_candidate(const std::string &path, const Inode &ino) {
  if (ino.type != NodeType::File)
    return false;
  std::string dir = dirname(path), name = basename(path);
  if (is_program_dir(dir))
    return true;
  if (is_pam_module_dir(dir))
    return name.ends_with(".so");
  return is_library_dir(dir) &&
         (name.ends_with(".so") || name.find(".so.") != std::string::npos);
}

// What may name a program it runs: an ELF (a program or a library), a
// script, a unit, a udev rule. Other files are data: /etc/pam.d/chfn names
// chfn, which reads it; it does not run it.
bool may_run_commands(const std::string &path, const Inode &ino) {
  return (ino.mode & 0111) || basename(path).find(".so") != std::string::npos ||
         is_unit_path(path) || is_udev_rules_path(path);
}

// Text files larger than this are data (a pci.ids), not something that
// names programs.
constexpr uint64_t kMaxScannedText = 4 << 20;

class Pruner {
public:
  Pruner(Tree &tree, const std::vector<std::string> &keep)
      : tree_(tree), keep_(keep) {}

  PruneResult run();

private:
  void index_references();
  void index_names();
  void reach(const std::string &path, const std::string &why);
  void scan_elf_strings(const std::string &path, std::string_view data);
  void scan_words(const std::string &path, std::string_view text);
  void scan_pam_config(const std::string &path, std::string_view text);
  void note_word(const std::string &from, std::string_view word);
  void follow(const std::string &path);
  void keep_globs();
  void remove_unreached();

  Tree &tree_;
  const std::vector<std::string> &keep_;
  // from → (resolved target, reason)
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      edges_;
  // What a file may name to run or load another: a program's name or path
  // ("blkid", "/sbin/blkid"), a library's ("libcryptsetup.so.12", as
  // systemd passes it to dlopen()); each to the file it leads to.
  std::map<std::string, std::string, std::less<>> names_;
  std::set<std::string> followed_;
  std::deque<std::string> queue_;
  PruneResult result_;
};

void Pruner::index_references() {
  for (const Reference &r : check_consistency(tree_).refs)
    if (!r.resolved.empty())
      edges_[r.from].emplace_back(
          r.resolved, r.kind + " of /" + r.from +
                          (r.line ? ":" + std::to_string(r.line) : ""));
}

// Every name a program can be run by ("blkid", "/usr/sbin/blkid",
// "/sbin/blkid", links included) and a library loaded by.
void Pruner::index_names() {
  for (const auto &[path, e] : tree_.entries()) {
    std::string dir = dirname(path);
    if (!is_program_dir(dir) && !is_library_dir(dir) && !is_pam_module_dir(dir))
      continue;
    std::string at, err;
    if (!tree_.resolve(path, true, &at, &err))
      continue;
    const Entry *f = tree_.find(at);
    if (!f || !is_candidate(at, *f->inode))
      continue;
    names_.emplace(basename(path), at);
    if (is_pam_module_dir(dir)) { // named by path too, with or without usr/
      names_.emplace("/" + path, at);
      if (path.starts_with("usr/"))
        names_.emplace(path.substr(3), at);
    }
    if (is_program_dir(dir))
      for (const char *d : kProgramDirs)
        names_.emplace(std::string("/") + d + "/" + basename(path), at);
  }
}

void Pruner::reach(const std::string &path, const std::string &why) {
  const Entry *e = tree_.find(path);
  if (!e || !is_candidate(path, *e->inode) || result_.kept.count(path))
    return;
  result_.kept.emplace(path, why);
  queue_.push_back(path);
}

void Pruner::note_word(const std::string &from, std::string_view word) {
  if (word.size() < 2)
    return;
  auto it = names_.find(word);
  if (it != names_.end())
    reach(it->second, "named in /" + from);
}

// The C strings of an ELF's read-only data ("/sbin/fsck", "modprobe -q --
// %s"): printable runs that end in a NUL, split at spaces.
void Pruner::scan_elf_strings(const std::string &path, std::string_view data) {
  ElfInfo elf;
  std::string err;
  auto read = [&](uint64_t off, size_t n, std::string *out) {
    if (off > data.size() || n > data.size() - off)
      return false;
    *out = data.substr(off, n);
    return true;
  };
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  if (read_elf(read, &elf, &err) && !elf.read_only.empty())
    ranges = elf.read_only;
  else
    ranges = {{0, data.size()}}; // unusual layout: all of it
  for (auto [off, size] : ranges) {
    if (off > data.size())
      continue;
    std::string_view text = data.substr(off, size);
    size_t from = 0;
    while (from < text.size()) {
      size_t nul = text.find('\0', from);
      if (nul == std::string_view::npos)
        break;
      size_t start = nul;
      while (start > from && text[start - 1] >= ' ' && text[start - 1] < 0x7f)
        --start;
      for (size_t w = start; w < nul;) {
        size_t end = std::min(text.substr(0, nul).find(' ', w), nul);
        note_word(path, text.substr(w, end - w));
        w = end + 1;
      }
      from = nul + 1;
    }
  }
}

// Words of a script, unit or rule ("blkid -o value", sh -c "…"): made of
// the characters of a command name or path.
void Pruner::scan_words(const std::string &path, std::string_view text) {
  std::array<bool, 256> word{};
  for (int c = 0; c < 256; ++c)
    word[c] =
        isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '/';
  auto is_word_char = [&word](char c) { return word[(unsigned char)c]; };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_char(text[i]))
      ++i;
    size_t start = i;
    while (i < text.size() && is_word_char(text[i]))
      ++i;
    note_word(path, text.substr(start, i - start));
  }
}

// The modules a PAM configuration names ("auth required pam_unix.so"),
// and nothing else: the rest of its words are options and service names.
void Pruner::scan_pam_config(const std::string &path, std::string_view text) {
  auto is_space = [](char c) { return isspace((unsigned char)c) != 0; };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i]))
      ++i;
    if (i < text.size() && text[i] == '#') { // a comment, to the line's end
      i = std::min(text.find('\n', i), text.size());
      continue;
    }
    size_t start = i;
    while (i < text.size() && !is_space(text[i]) && text[i] != '#')
      ++i;
    std::string_view word = text.substr(start, i - start);
    if (word.ends_with(".so"))
      note_word(path, word);
  }
}

// What one file makes reachable: its references, and the programs it
// names.
void Pruner::follow(const std::string &path) {
  if (!followed_.insert(path).second)
    return;
  if (auto it = edges_.find(path); it != edges_.end())
    for (const auto &[target, why] : it->second)
      reach(target, why);
  const Entry *e = tree_.find(path);
  if (!e || e->inode->type != NodeType::File || is_kernel_data(path))
    return;
  bool pam_config = is_pam_config(path);
  if (!pam_config && !may_run_commands(path, *e->inode))
    return;
  std::string data, err;
  if (!e->inode->content->read(&data, &err))
    return;
  if (pam_config) {
    scan_pam_config(path, data);
    return;
  }
  if (is_elf(data.substr(0, 4))) {
    scan_elf_strings(path, data);
    return;
  }
  // Text with a NUL, or text too long to be a script, is data.
  if (data.size() <= kMaxScannedText &&
      data.substr(0, 512).find('\0') == std::string::npos)
    scan_words(path, data);
}

void Pruner::keep_globs() {
  for (const std::string &glob : keep_) {
    std::string pat;
    if (!Tree::normalize(glob, &pat) || pat.empty())
      continue;
    for (const auto &[path, e] : tree_.entries()) {
      if (fnmatch(pat.c_str(), path.c_str(), FNM_PATHNAME) != 0)
        continue;
      std::string at, err;
      if (tree_.resolve(path, true, &at, &err))
        reach(at, "PruneKeep=" + glob);
    }
  }
}

void Pruner::remove_unreached() {
  // Symlinks that lead somewhere now; those that dangle after the removal
  // led to a pruned file (libfoo.so.1, /usr/sbin/getty) and go too.
  auto leads_somewhere = [this](const std::string &path) {
    std::string at, err;
    return tree_.resolve(path, true, &at, &err) && tree_.contains(at);
  };
  std::vector<std::string> links;
  for (const auto &[path, e] : tree_.entries())
    if (e.inode->type == NodeType::Symlink && leads_somewhere(path))
      links.push_back(path);
  std::vector<std::string> doomed;
  for (const auto &[path, e] : tree_.entries())
    if (is_candidate(path, *e.inode) && !result_.kept.count(path)) {
      doomed.push_back(path);
      result_.pruned_bytes += e.inode->content->size;
    }
  for (const std::string &path : doomed)
    tree_.remove(path);
  result_.pruned = doomed;
  // A chain of links dangles one step at a time; a few rounds suffice.
  for (int round = 0; round < 8; ++round) {
    size_t before = result_.pruned.size();
    for (const std::string &path : links) {
      if (tree_.contains(path) && !leads_somewhere(path)) {
        tree_.remove(path);
        result_.pruned.push_back(path);
      }
    }
    if (result_.pruned.size() == before)
      break;
  }
}

PruneResult Pruner::run() {
  index_references();
  index_names();
  keep_globs();
  // Everything that is not a candidate is a root, and so is what the user
  // or a profile put there by name (ExtraTrees=, "extra:DIR") or initpack
  // made ("initpack:STEP"): only what packages brought is pruned.
  for (const auto &[path, e] : tree_.entries()) {
    if (!is_candidate(path, *e.inode))
      follow(path);
    else if (e.origin.find(':') != std::string::npos)
      reach(path, "from " + e.origin);
  }
  while (!queue_.empty()) {
    std::string path = queue_.front();
    queue_.pop_front();
    follow(path);
  }
  remove_unreached();
  return std::move(result_);
}

} // namespace

PruneResult prune_unreachable(Tree &tree,
                              const std::vector<std::string> &keep) {
  return Pruner(tree, keep).run();
}

std::string explain_pruning(const PruneResult &r) {
  std::string out =
      "Programs and libraries kept (" + std::to_string(r.kept.size()) + "):\n";
  for (const auto &[path, why] : r.kept)
    out += "  /" + path + ": " + why + "\n";
  out += "Pruned, nothing in the boot runs them (" +
         std::to_string(r.pruned.size()) + " paths, " +
         std::to_string(r.pruned_bytes / 1024) + " KiB):\n";
  for (const std::string &path : r.pruned)
    out += "  /" + path + "\n";
  return out;
}

void prune_image(Context &ctx) {
  if (!ctx.config.prune)
    return;
  Timer t(ctx, "prune");
  PruneResult r = prune_unreachable(ctx.tree, ctx.config.prune_keep);
  if (ctx.explain)
    std::cout << explain_pruning(r);
  Log(ctx) << "prune: kept " << r.kept.size() << " programs and libraries, "
           << "removed " << r.pruned.size() << " paths ("
           << r.pruned_bytes / 1024 << " KiB)";
}

} // namespace initpack
