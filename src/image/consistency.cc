#include "image/consistency.h"

#include "context.h"
#include "image/elf.h"
#include "image/tree.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/strings.h"
#include "util/timer.h"

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <set>
#include <span>
#include <unistd.h>

namespace initpack {

namespace {

bool starts_with_any(std::string_view path,
                     std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (path.starts_with(p))
      return true;
  return false;
}

// Reads parts of one file's content: from memory or with pread on the
// unpack cache's file, opened once.
class ContentReader {
public:
  explicit ContentReader(const Content &c) : c_(c) {
    if (!c.disk_path.empty())
      fd_ = ::open(c.disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  ~ContentReader() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  bool read(uint64_t off, size_t n, std::string *out) const {
    if (c_.disk_path.empty()) {
      if (off > c_.bytes.size() || n > c_.bytes.size() - off)
        return false;
      *out = c_.bytes.substr(off, n);
      return true;
    }
    if (fd_ < 0 || off > c_.size || n > c_.size - off)
      return false;
    out->resize(n);
    std::string err;
    return pread_all(fd_, out->data(), n, off, &err);
  }

private:
  const Content &c_;
  int fd_ = -1;
};

class Checker {
public:
  explicit Checker(const Tree &tree) : tree_(tree) { read_ld_so_conf(); }

  ConsistencyReport run();

private:
  void scan_file(const std::string &path, const Inode &ino);
  void scan_elf(const std::string &path, const ContentReader &r);
  void scan_script(const std::string &path, std::string_view head);
  void scan_unit(const std::string &path, const Inode &ino);
  void scan_rules(const std::string &path, const Inode &ino);
  void check_generator(const std::string &path);
  void check_unit_link(const std::string &path, const Inode &ino);
  void read_ld_so_conf();
  void resolve_through_programs();

  void add(const std::string &from, int line, std::string kind,
           const std::string &target, std::string resolved,
           std::string problem = "") {
    report_.refs.push_back({from, line, std::move(kind), target,
                            std::move(resolved), std::move(problem)});
  }
  // The image path of an absolute path, or "" when nothing is there.
  std::string existing(std::string_view path) const {
    std::string out, err;
    if (!tree_.resolve(path, true, &out, &err))
      return "";
    const Entry *e = tree_.find(out);
    return e && e->inode->type == NodeType::File ? out : "";
  }
  // A program someone runs: it must be there and executable.
  void add_program(const std::string &from, int line, const std::string &kind,
                   const std::string &target) {
    std::string at = existing(target);
    std::string problem;
    if (at.empty())
      problem = "not in the image";
    else if (!(tree_.find(at)->inode->mode & 0111))
      problem = "not executable";
    add(from, line, kind, target, at, problem);
  }
  // A bare command name: the first directory of `dirs` holding it.
  void add_command(const std::string &from, int line, const std::string &kind,
                   const std::string &name, std::span<const char *const> dirs) {
    if (name.find('/') != std::string::npos) {
      add_program(from, line, kind, name);
      return;
    }
    for (const char *dir : dirs)
      if (std::string at = existing(std::string(dir) + "/" + name);
          !at.empty()) {
        add_program(from, line, kind, std::string("/") + dir + "/" + name);
        return;
      }
    add(from, line, kind, name, "", "not in the image");
  }

  const Tree &tree_;
  std::vector<std::string> conf_dirs_; // from the image's ld.so.conf
  std::map<std::string, std::string> lib_cache_;
  std::set<std::string> runpath_dirs_; // every ELF's, $ORIGIN expanded
  std::vector<size_t> pending_;        // a shared object's missing libraries
  ConsistencyReport report_;
};

void Checker::read_ld_so_conf() {
  // Debian's ld.so.conf only includes ld.so.conf.d/*.conf, each a list of
  // directories; that is all we read (no nested include, no hwcap).
  std::string prefix = "etc/ld.so.conf.d/";
  for (auto it = tree_.entries().lower_bound(prefix);
       it != tree_.entries().end() && it->first.starts_with(prefix); ++it) {
    const Inode &ino = *it->second.inode;
    if (!it->first.ends_with(".conf") || ino.type != NodeType::File)
      continue;
    std::string text, err;
    if (!ino.content->read(&text, &err))
      continue;
    for (std::string_view line : split_lines(text)) {
      line = trim(line.substr(0, line.find('#')));
      if (line.starts_with("/"))
        conf_dirs_.emplace_back(line.substr(1));
    }
  }
}

void Checker::scan_elf(const std::string &path, const ContentReader &r) {
  ElfInfo elf;
  std::string err;
  auto read = [&](uint64_t off, size_t n, std::string *out) {
    return r.read(off, n, out);
  };
  if (!read_elf(read, &elf, &err)) {
    add(path, 0, "ELF", path, "", err);
    return;
  }
  if (elf.type != ET_EXEC && elf.type != ET_DYN)
    return;
  if (!elf.interp.empty())
    add_program(path, 0, "interpreter", elf.interp);
  std::string origin = "/" + dirname(path);
  for (const std::string &lib : elf.needed) {
    if (lib.find('/') != std::string::npos) {
      add(path, 0, "library", lib, existing(lib));
      continue;
    }
    std::string at;
    for (std::string dir : elf.runpath) {
      for (const char *o : {"$ORIGIN", "${ORIGIN}"})
        if (size_t i = dir.find(o); i != std::string::npos)
          dir.replace(i, strlen(o), origin);
      runpath_dirs_.insert(dir);
      if (!(at = existing(dir + "/" + lib)).empty())
        break;
    }
    if (at.empty()) {
      std::string key = (elf.is_64 ? "64:" : "32:") + lib;
      auto it = lib_cache_.find(key);
      if (it == lib_cache_.end()) {
        std::string found;
        for (const std::string &dir : conf_dirs_)
          if (!(found = existing(dir + "/" + lib)).empty())
            break;
        if (found.empty())
          for (const char *dir : elf.is_64 ? kLibDirs64 : kLibDirs32)
            if (!(found = existing(std::string(dir) + "/" + lib)).empty())
              break;
        it = lib_cache_.emplace(key, found).first;
      }
      at = it->second;
    }
    add(path, 0, "library", lib, at, at.empty() ? "not in the image" : "");
    if (at.empty() && elf.interp.empty())
      pending_.push_back(report_.refs.size() - 1);
  }
}

// A shared object may leave a library to the program that loads it: ld.so
// reuses an object already loaded under that soname, which the program
// found through its own RUNPATH (libsystemd-core needs libsystemd-shared,
// which only systemd's RUNPATH reaches).
void Checker::resolve_through_programs() {
  for (size_t i : pending_) {
    Reference &r = report_.refs[i];
    for (const std::string &dir : runpath_dirs_)
      if (std::string at = existing(dir + "/" + r.target); !at.empty()) {
        r.resolved = at;
        r.problem.clear();
        break;
      }
  }
}

void Checker::scan_script(const std::string &path, std::string_view head) {
  std::string_view line = head.substr(2, head.find('\n') - 2);
  line = trim(line);
  size_t sp = line.find_first_of(" \t");
  std::string interp(line.substr(0, sp));
  if (interp.empty()) {
    add(path, 0, "#!", "", "", "no interpreter after #!");
    return;
  }
  add_program(path, 0, "#!", interp);
  // "#!/usr/bin/env CMD": env looks CMD up in PATH.
  if (interp.ends_with("/env") && sp != std::string_view::npos) {
    std::string_view rest = trim(line.substr(sp));
    std::string cmd(rest.substr(0, rest.find_first_of(" \t")));
    if (!cmd.empty() && cmd[0] != '-')
      add_command(path, 0, "#! env", cmd, kProgramDirs);
  }
}

} // namespace

namespace {

// The first word of a command line, unquoted; "" when it holds a
// specifier or variable we cannot expand at build time.
std::string first_word(std::string_view s) {
  s = trim(s);
  std::string word;
  if (!s.empty() && (s[0] == '"' || s[0] == '\'')) {
    size_t end = s.find(s[0], 1);
    word = std::string(s.substr(
        1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  } else {
    word = std::string(s.substr(0, s.find_first_of(" \t")));
  }
  if (word.find_first_of("%$") != std::string::npos)
    return "";
  return word;
}

// Python's and perl's module trees hold executable files with "#!" lines
// (cgi.py: "#! /usr/local/bin/python") that are imported, never executed.
bool is_language_module(std::string_view path) {
  return starts_with_any(path, {"usr/lib/python3", "usr/share/perl",
                                "usr/lib/x86_64-linux-gnu/perl"});
}

} // namespace

void Checker::scan_unit(const std::string &path, const Inode &ino) {
  std::string text, err;
  if (!ino.content->read(&text, &err)) {
    add(path, 0, "unit", path, "", err);
    return;
  }
  // Programs the unit tests for itself (ConditionPathExists=PROG,
  // ConditionFileIsExecutable=PROG): when they are absent the unit is
  // skipped, not failed — e.g. a program a system extension adds at boot.
  std::vector<std::string> guarded;
  for (std::string_view line : split_lines(text)) {
    line = trim(line);
    for (std::string_view key :
         {"ConditionPathExists=", "ConditionFileIsExecutable="})
      if (line.starts_with(key)) {
        std::string_view v = trim(line.substr(key.size()));
        if (!v.empty() && v[0] == '|')
          v.remove_prefix(1);
        if (!v.empty() && v[0] == '/')
          guarded.emplace_back(v);
      }
  }
  int n = 0;
  for (std::string_view line : split_lines(text)) {
    ++n;
    line = trim(line);
    if (!line.starts_with("Exec"))
      continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      continue;
    std::string key(trim(line.substr(0, eq)));
    static const char *const kKeys[] = {
        "ExecStart",  "ExecStartPre", "ExecStartPost", "ExecCondition",
        "ExecReload", "ExecStop",     "ExecStopPost"};
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
      continue;
    std::string_view value = trim(line.substr(eq + 1));
    // Prefixes: "-" ignore failure, "@" argv[0], ":" no substitution, "+",
    // "!", "!!" privileges. None changes which program runs.
    bool ignore_failure = false;
    while (!value.empty() &&
           std::string_view("-@:+!").find(value[0]) != std::string_view::npos) {
      ignore_failure |= value[0] == '-';
      value.remove_prefix(1);
    }
    std::string prog = first_word(value);
    if (prog.empty())
      continue;
    // systemd's PATH for units: without /sbin and /bin.
    add_command(path, n, key + "=", prog, std::span(kProgramDirs).first(4));
    // "-": systemd goes on when the program fails or is absent
    // (emergency.service's "-/bin/plymouth --wait quit"): listed, no error.
    bool is_guarded =
        std::find(guarded.begin(), guarded.end(), prog) != guarded.end();
    if ((ignore_failure || is_guarded) && report_.refs.back().resolved.empty())
      report_.refs.back().problem.clear();
  }
}

// udev rules: KEY[{ATTR}]OP"VALUE" items separated by commas, a trailing
// backslash continuing the line (udev(7)).
void Checker::scan_rules(const std::string &path, const Inode &ino) {
  std::string text, err;
  if (!ino.content->read(&text, &err)) {
    add(path, 0, "rules", path, "", err);
    return;
  }
  std::vector<std::string_view> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    int line_no = int(i) + 1;
    std::string line(trim(lines[i]));
    while (line.ends_with("\\") && i + 1 < lines.size()) {
      line.pop_back();
      line += trim(lines[++i]);
    }
    if (line.empty() || line[0] == '#')
      continue;
    size_t pos = 0;
    while (pos < line.size()) {
      size_t key_end = line.find_first_of("=!+-:", pos);
      size_t q1 = line.find('"', key_end);
      if (key_end == std::string::npos || q1 == std::string::npos)
        break;
      size_t q2 = q1 + 1;
      while (q2 < line.size() && line[q2] != '"')
        q2 += line[q2] == '\\' ? 2 : 1;
      std::string key(trim(std::string_view(line).substr(pos, key_end - pos)));
      std::string value =
          line.substr(q1 + 1, std::min(q2, line.size()) - q1 - 1);
      pos = line.find(',', q2);
      pos = pos == std::string::npos ? line.size() : pos + 1;
      if (key != "RUN" && key != "RUN{program}" && key != "PROGRAM" &&
          key != "IMPORT{program}")
        continue;
      std::string prog = first_word(value);
      if (prog.empty() || prog.starts_with("socket:"))
        continue;
      std::string kind = key.starts_with("RUN") ? "RUN" : key;
      if (prog[0] != '/')
        prog = "/usr/lib/udev/" + prog;
      add_program(path, line_no, kind, prog);
    }
  }
}

void Checker::check_generator(const std::string &path) {
  std::string out, err;
  if (tree_.resolve(path, true, &out, &err) && out == "dev/null")
    return; // masked
  add_program(path, 0, "generator", "/" + path);
}

// A *.wants/ or *.requires/ link: the unit it enables must exist.
void Checker::check_unit_link(const std::string &path, const Inode &ino) {
  if (ino.symlink_target == "/dev/null")
    return;
  std::string out, err;
  const Entry *e = nullptr;
  if (tree_.resolve(path, true, &out, &err))
    e = tree_.find(out);
  add(path, 0, "enabled unit", ino.symlink_target, e ? out : "",
      e ? "" : "not in the image");
}

void Checker::scan_file(const std::string &path, const Inode &ino) {
  ContentReader r(*ino.content);
  std::string head;
  if (!r.read(0, std::min<uint64_t>(ino.content->size, 256), &head))
    return;
  ++report_.files_scanned;
  if (is_elf(head))
    scan_elf(path, r);
  else if (head.starts_with("#!") && (ino.mode & 0111) &&
           !is_language_module(path))
    scan_script(path, head);
}

ConsistencyReport Checker::run() {
  for (const auto &[path, e] : tree_.entries()) {
    const Inode &ino = *e.inode;
    // Kernel modules and firmware are loaded by the kernel, not run (and
    // firmware may be ELF for another processor).
    if (is_kernel_data(path))
      continue;
    bool in_units = is_unit_path(path);
    if (in_units && ino.type == NodeType::Symlink &&
        (dirname(path).ends_with(".wants") ||
         dirname(path).ends_with(".requires")))
      check_unit_link(path, ino);
    if (starts_with_any(path, {"usr/lib/systemd/system-generators/",
                               "lib/systemd/system-generators/",
                               "etc/systemd/system-generators/"}))
      check_generator(path);
    if (ino.type != NodeType::File)
      continue;
    scan_file(path, ino);
    if (in_units &&
        (path.ends_with(".service") || path.ends_with(".socket") ||
         (path.ends_with(".conf") && (dirname(path).ends_with(".service.d") ||
                                      dirname(path).ends_with(".socket.d")))))
      scan_unit(path, ino);
    if (is_udev_rules_path(path))
      scan_rules(path, ino);
  }
  resolve_through_programs();
  std::stable_sort(report_.refs.begin(), report_.refs.end(),
                   [](const Reference &a, const Reference &b) {
                     return std::tie(a.from, a.line) < std::tie(b.from, b.line);
                   });
  return std::move(report_);
}

bool is_program_dir(std::string_view dir) {
  for (const char *d : kProgramDirs)
    if (dir == d)
      return true;
  return false;
}

bool is_library_dir(std::string_view dir) {
  for (const auto &dirs : {std::span(kLibDirs64), std::span(kLibDirs32)})
    for (const char *d : dirs)
      if (dir == d)
        return true;
  return false;
}

bool is_unit_path(std::string_view path) {
  return starts_with_any(path, {"usr/lib/systemd/system/",
                                "lib/systemd/system/", "etc/systemd/system/"});
}

bool is_udev_rules_path(std::string_view path) {
  return path.ends_with(".rules") &&
         starts_with_any(path, {"usr/lib/udev/rules.d/", "lib/udev/rules.d/",
                                "etc/udev/rules.d/"});
}

bool is_kernel_data(std::string_view path) {
  return starts_with_any(path, {"usr/lib/modules/", "lib/modules/",
                                "usr/lib/firmware/", "lib/firmware/"});
}

size_t ConsistencyReport::missing() const {
  return std::count_if(refs.begin(), refs.end(),
                       [](const Reference &r) { return !r.problem.empty(); });
}

ConsistencyReport check_consistency(const Tree &tree) {
  return Checker(tree).run();
}

static std::string where(const Tree &tree, const Reference &ref) {
  std::string s = "/" + ref.from;
  if (ref.line)
    s += ":" + std::to_string(ref.line);
  if (const Entry *e = tree.find(ref.from); e && !e->origin.empty())
    s += " (" + e->origin + ")";
  return s;
}

std::string describe_problem(const Tree &tree, const Reference &ref) {
  std::string what = ref.kind == "interpreter" ? "ELF interpreter"
                     : ref.kind == "library"   ? "library"
                     : ref.kind == "#!"        ? "#! interpreter"
                                               : ref.kind;
  return where(tree, ref) + ": " + what + " " + ref.target + ": " + ref.problem;
}

std::string explain_references(const Tree &tree,
                               const ConsistencyReport &report) {
  std::string out = "References (" + std::to_string(report.files_scanned) +
                    " files read, " + std::to_string(report.refs.size()) +
                    " references, " + std::to_string(report.missing()) +
                    " unresolved):\n";
  for (size_t i = 0; i < report.refs.size();) {
    const Reference &first = report.refs[i];
    out += "  " + where(tree, first) + ":";
    std::string kind;
    for (; i < report.refs.size() && report.refs[i].from == first.from &&
           report.refs[i].line == first.line;
         ++i) {
      const Reference &r = report.refs[i];
      if (r.kind != kind)
        out += (kind.empty() ? " " : "; ") + r.kind;
      kind = r.kind;
      out += " " + r.target;
      if (!r.problem.empty())
        out += " (" + r.problem + ")";
      else if (r.resolved.empty())
        out += " (absent; failure ignored)";
    }
    out += "\n";
  }
  return out;
}

void check_image_consistency(Context &ctx) {
  Timer t(ctx, "consistency check");
  ConsistencyReport report = check_consistency(ctx.tree);
  // Listed before the verdict, so that a failing build shows them too.
  if (ctx.explain)
    std::cout << explain_references(ctx.tree, report);
  for (const Reference &r : report.refs)
    if (!r.problem.empty())
      Error(ctx) << describe_problem(ctx.tree, r);
  Log(ctx) << "consistency check: " << report.files_scanned << " files, "
           << report.refs.size() << " references";
  checkpoint(ctx);
}

} // namespace initpack
