#include "inspect/initrd_diff.h"

#include "util/strings.h"

#include <cstdio>
#include <map>
#include <sys/stat.h>

namespace initpack {

std::string type_name(uint32_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG:
    return "file";
  case S_IFDIR:
    return "dir";
  case S_IFLNK:
    return "symlink";
  case S_IFCHR:
    return "char";
  case S_IFBLK:
    return "block";
  case S_IFIFO:
    return "fifo";
  case S_IFSOCK:
    return "socket";
  }
  return "unknown";
}

namespace {

std::map<std::string, const InitrdEntry *>
final_view(const std::vector<InitrdEntry> &entries) {
  std::map<std::string, const InitrdEntry *> view;
  for (const InitrdEntry &e : entries)
    view[e.path] = &e;
  return view;
}

std::string octal(uint32_t perm) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04o", perm & 07777);
  return buf;
}

std::vector<InitrdChange::Field>
compare(const InitrdEntry &a, const InitrdEntry &b, const DiffOptions &opts) {
  std::vector<InitrdChange::Field> f;
  auto add = [&](const char *name, std::string x, std::string y) {
    if (x != y)
      f.push_back({name, std::move(x), std::move(y)});
  };
  add("type", type_name(a.mode), type_name(b.mode));
  add("mode", octal(a.mode), octal(b.mode));
  add("owner", std::to_string(a.uid) + ":" + std::to_string(a.gid),
      std::to_string(b.uid) + ":" + std::to_string(b.gid));
  if (S_ISREG(a.mode) && S_ISREG(b.mode) &&
      (a.data_sha256 != b.data_sha256 || a.size != b.size))
    f.push_back({"content",
                 std::to_string(a.size) +
                     " bytes sha256:" + a.data_sha256.substr(0, 12),
                 std::to_string(b.size) +
                     " bytes sha256:" + b.data_sha256.substr(0, 12)});
  add("target", a.link_target, b.link_target);
  bool devices = S_ISCHR(a.mode) || S_ISBLK(a.mode);
  if (devices)
    add("rdev",
        std::to_string(a.rdev_major) + "," + std::to_string(a.rdev_minor),
        std::to_string(b.rdev_major) + "," + std::to_string(b.rdev_minor));
  if (opts.compare_mtime)
    add("mtime", std::to_string(a.mtime), std::to_string(b.mtime));
  return f;
}

} // namespace

std::vector<InitrdChange> diff_initrds(const std::vector<InitrdEntry> &a,
                                       const std::vector<InitrdEntry> &b,
                                       const DiffOptions &opts) {
  auto va = final_view(a), vb = final_view(b);
  std::vector<InitrdChange> out;
  auto ia = va.begin(), ib = vb.begin();
  while (ia != va.end() || ib != vb.end()) {
    if (ib == vb.end() || (ia != va.end() && ia->first < ib->first)) {
      out.push_back({'-', ia->first, {}});
      ++ia;
    } else if (ia == va.end() || ib->first < ia->first) {
      out.push_back({'+', ib->first, {}});
      ++ib;
    } else {
      auto fields = compare(*ia->second, *ib->second, opts);
      if (!fields.empty())
        out.push_back({'~', ia->first, std::move(fields)});
      ++ia, ++ib;
    }
  }
  return out;
}

std::string format_change(const InitrdChange &c) {
  // Names and link targets come from the images: escaped, one line each.
  std::string s = std::string(1, c.kind) + " " + escape_name(c.path);
  for (size_t i = 0; i < c.fields.size(); i++) {
    const auto &f = c.fields[i];
    s += (i ? ", " : ": ") + f.name + " " +
         (f.old_value.empty() ? "''" : escape_name(f.old_value)) + " -> " +
         (f.new_value.empty() ? "''" : escape_name(f.new_value));
  }
  return s;
}

} // namespace initpack
