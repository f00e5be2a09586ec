#include "image/sysusers.h"
#include "util/strings.h"

#include "context.h"

#include <algorithm>
#include <deque>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <set>

namespace initpack {

// Splits a sysusers.d line into fields; double quotes group words.
static bool split_fields(std::string_view line, std::vector<std::string> *out,
                         std::string *why) {
  out->clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      i++;
    if (i >= line.size())
      break;
    std::string field;
    if (line[i] == '"') {
      size_t end = line.find('"', i + 1);
      if (end == std::string_view::npos) {
        *why = "unterminated quote";
        return false;
      }
      field = line.substr(i + 1, end - i - 1);
      i = end + 1;
    } else {
      size_t end = line.find_first_of(" \t", i);
      if (end == std::string_view::npos)
        end = line.size();
      field = line.substr(i, end - i);
      i = end;
    }
    out->push_back(field);
  }
  return true;
}

// Expands systemd's specifiers (systemd.unit(5) "Specifiers") in one field.
// Those that describe a running machine (%H, %m, %b, %v…) have no value in
// an image build: an error, rather than a guess baked into the image.
static bool expand_specifiers(const std::string &in,
                              const std::map<char, std::string> &values,
                              std::string *out, std::string *why) {
  out->clear();
  for (size_t i = 0; i < in.size(); i++) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    if (++i == in.size()) {
      *why = "'%' at the end of '" + in + "'";
      return false;
    }
    char c = in[i];
    if (c == '%')
      *out += '%';
    else if (c == 'T')
      *out += "/tmp";
    else if (c == 'V')
      *out += "/var/tmp";
    else if (auto it = values.find(c); it != values.end())
      *out += it->second;
    else {
      *why = fmt::format("specifier '%{}' in '{}' has no value in an image "
                         "build",
                         c, in);
      return false;
    }
  }
  return true;
}

static bool valid_name(const std::string &n) {
  static const std::regex re(R"re([A-Za-z_][A-Za-z0-9_.-]*\$?)re");
  return n.size() <= 32 && std::regex_match(n, re);
}

// The ID field of one line, by type (sysusers.d(5)): u takes "-", a uid,
// "uid:gid", "uid:group" or "-:group"; g a gid or "-"; r a range "lo-hi" or
// one id. A path (ids of that file's owner on the running system) has no
// meaning for an image.
static bool check_id(char type, const std::string &id, std::string *why) {
  static const std::regex num(R"re([0-9]+)re");
  static const std::regex user(
      R"re((-|[0-9]+)(:([0-9]+|[A-Za-z_][A-Za-z0-9_.-]*))?)re");
  static const std::regex range(R"re([0-9]+(-[0-9]+)?)re");
  bool ok = true;
  if (id.starts_with("/"))
    ok = false;
  else if (type == 'u')
    ok = std::regex_match(id, user);
  else if (type == 'g')
    ok = id == "-" || std::regex_match(id, num);
  else if (type == 'r')
    ok = std::regex_match(id, range);
  if (!ok)
    *why = id.starts_with("/")
               ? "ids taken from a file (" + id +
                     ") need the running system; give a number"
               : fmt::format("invalid id '{}' for type '{}'", id, type);
  return ok;
}

bool parse_sysusers(std::string_view text, const std::string &filename,
                    std::vector<SysusersLine> *out, std::string *err,
                    const std::map<char, std::string> &specifiers) {
  int lineno = 0;
  for (std::string_view line : split_lines(text)) {
    lineno++;
    std::vector<std::string> f;
    std::string why;
    std::string where = fmt::format("{}:{}", filename, lineno);
    auto fail = [&](const std::string &msg) {
      *err = where + ": " + msg;
      return false;
    };
    if (!split_fields(line, &f, &why))
      return fail(why);
    if (f.empty() || f[0][0] == '#')
      continue;
    const std::string &type = f[0];
    if (type != "u" && type != "u!" && type != "g" && type != "m" &&
        type != "r")
      return fail("unknown line type '" + type + "'");
    if (f.size() < 2)
      return fail("missing name");
    if (f.size() > 6)
      return fail("trailing field '" + f[6] + "'");
    SysusersLine l;
    l.type = type[0];
    l.locked = type == "u!";
    l.where = where;
    std::vector<std::string> v(6, "");
    for (size_t i = 1; i < f.size(); i++)
      if (f[i] != "-" && !expand_specifiers(f[i], specifiers, &v[i], &why))
        return fail(why);
    l.name = v[1];
    if (l.type == 'r') {
      if (f[1] != "-")
        return fail("'r' takes '-' as its name, not '" + f[1] + "'");
      l.id = f.size() > 2 ? f[2] : "-";
    } else if (!valid_name(l.name)) {
      return fail("invalid user or group name '" + f[1] + "'");
    } else if (l.type == 'm') {
      l.gecos = v[2]; // the group
      if (l.gecos.empty())
        return fail("'m' needs a group");
      if (!valid_name(l.gecos))
        return fail("invalid group name '" + l.gecos + "'");
      if (f.size() > 3)
        return fail("'m' takes a user and a group, not '" + f[3] + "'");
      l.id = "-";
    } else {
      l.id = f.size() > 2 ? f[2] : "-";
      l.gecos = v[3];
      l.home = v[4];
      l.shell = v[5];
    }
    if (!check_id(l.type, l.id, &why))
      return fail(why);
    out->push_back(std::move(l));
  }
  return true;
}

namespace {

constexpr uint32_t kSystemIdMax = 999; // dynamic ids go downwards from here
constexpr uint32_t kSystemIdMin = 100;

bool parse_number(const std::string &s, uint32_t *out) {
  if (s.empty() || s.size() > 10 ||
      s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  uint64_t v = std::stoull(s);
  if (v >= UINT32_MAX) // (uid_t)-1 means "no id"
    return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

// Hands out ids from the top of the ranges downwards, skipping taken ones.
// The ranges are those of `r` lines, else 100-999.
struct IdPool {
  std::set<uint32_t> taken;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  bool take(uint32_t id) { return taken.insert(id).second; }
  bool next(uint32_t *out) {
    uint32_t lo = UINT32_MAX, hi = 0;
    for (auto [l, h] : ranges)
      lo = std::min(lo, l), hi = std::max(hi, h);
    for (uint32_t id = hi; id >= lo && id != UINT32_MAX; id--) {
      bool inside = std::any_of(ranges.begin(), ranges.end(), [&](auto r) {
        return id >= r.first && id <= r.second;
      });
      if (inside && take(id)) {
        *out = id;
        return true;
      }
    }
    return false;
  }
};

// The `r` lines' ranges ("lo-hi" or one id), or the default.
bool id_ranges(const std::vector<SysusersLine> &lines,
               std::vector<std::pair<uint32_t, uint32_t>> *out,
               std::string *err) {
  for (const SysusersLine &l : lines) {
    if (l.type != 'r')
      continue;
    size_t dash = l.id.find('-');
    uint32_t lo, hi;
    if (!parse_number(l.id.substr(0, dash), &lo) ||
        !parse_number(dash == std::string::npos ? l.id : l.id.substr(dash + 1),
                      &hi) ||
        lo > hi) {
      *err = l.where + ": invalid range '" + l.id + "'";
      return false;
    }
    out->push_back({lo, hi});
  }
  if (out->empty())
    out->push_back({kSystemIdMin, kSystemIdMax});
  return true;
}

} // namespace

bool allocate_accounts(const std::vector<SysusersLine> &lines,
                       const std::vector<std::string> &extra_groups,
                       Accounts *out, std::string *err) {
  // Pending groups in declaration order; a user's own group is implicit.
  struct PendingGroup {
    std::string name, id, where;
  };
  std::vector<PendingGroup> groups;
  std::set<std::string> group_names, user_names;
  std::vector<const SysusersLine *> users;
  for (const SysusersLine &l : lines) {
    if (l.type == 'g' && group_names.insert(l.name).second)
      groups.push_back({l.name, l.id, l.where});
    if (l.type == 'u' && user_names.insert(l.name).second) {
      users.push_back(&l);
      std::string uid = l.id.substr(0, l.id.find(':'));
      bool own_group = l.id.find(':') == std::string::npos;
      if (own_group && group_names.insert(l.name).second)
        groups.push_back({l.name, uid, l.where});
    }
  }
  // `m` creates the user and the group it names when no line declares
  // them (sysusers.d(5)), after every u and g line.
  std::deque<SysusersLine> implicit_users;
  for (const SysusersLine &l : lines) {
    if (l.type != 'm')
      continue;
    if (group_names.insert(l.gecos).second)
      groups.push_back({l.gecos, "-", l.where});
    if (user_names.insert(l.name).second) {
      SysusersLine &u = implicit_users.emplace_back();
      u.type = 'u';
      u.name = l.name;
      u.id = "-";
      u.where = l.where;
      users.push_back(&u);
      if (group_names.insert(l.name).second)
        groups.push_back({l.name, "-", l.where});
    }
  }
  for (const std::string &g : extra_groups)
    if (group_names.insert(g).second)
      groups.push_back({g, "-", "udev rules"});

  // Fixed ids first, then dynamic ones, so a fixed id is never stolen.
  IdPool gids, uids;
  if (!id_ranges(lines, &gids.ranges, err))
    return false;
  uids.ranges = gids.ranges;
  std::map<std::string, uint32_t> gid_of;
  for (const PendingGroup &g : groups) {
    uint32_t id;
    if (parse_number(g.id, &id)) {
      if (!gids.take(id)) {
        *err = fmt::format("{}: gid {} of group {} is already taken", g.where,
                           id, g.name);
        return false;
      }
      gid_of[g.name] = id;
    }
  }
  for (const SysusersLine *u : users) {
    uint32_t id;
    if (parse_number(u->id.substr(0, u->id.find(':')), &id) && !uids.take(id)) {
      *err = fmt::format("{}: uid {} of user {} is already taken", u->where, id,
                         u->name);
      return false;
    }
  }
  for (const PendingGroup &g : groups) {
    if (gid_of.count(g.name))
      continue;
    uint32_t id;
    if (!gids.next(&id)) {
      *err = g.where + ": no free system gid for group " + g.name;
      return false;
    }
    gid_of[g.name] = id;
  }
  for (const PendingGroup &g : groups)
    out->groups.push_back({g.name, gid_of[g.name], {}});

  for (const SysusersLine *u : users) {
    Account a;
    a.name = u->name;
    std::string uid_part = u->id.substr(0, u->id.find(':'));
    if (!parse_number(uid_part, &a.uid)) {
      // Dynamic: like systemd-sysusers, prefer the number of the user's
      // group when it is free as a uid.
      uint32_t want = gid_of.count(u->name) ? gid_of[u->name] : 0;
      if (want && uids.take(want)) {
        a.uid = want;
      } else if (!uids.next(&a.uid)) {
        *err = u->where + ": no free system uid for user " + u->name;
        return false;
      }
    }
    if (size_t colon = u->id.find(':'); colon != std::string::npos) {
      std::string g = u->id.substr(colon + 1);
      if (!parse_number(g, &a.gid)) {
        if (!gid_of.count(g)) {
          *err = u->where + ": user " + u->name + " names unknown group " + g;
          return false;
        }
        a.gid = gid_of[g];
      }
    } else {
      a.gid = gid_of[u->name];
    }
    a.gecos = u->gecos;
    a.locked = u->locked;
    a.home = u->home.empty() ? "/" : u->home;
    a.shell = u->shell.empty() ? "/usr/sbin/nologin" : u->shell;
    out->users.push_back(a);
  }
  for (const SysusersLine &l : lines) {
    if (l.type != 'm')
      continue;
    auto it = std::find_if(out->groups.begin(), out->groups.end(),
                           [&](const Group &g) { return g.name == l.gecos; });
    if (it == out->groups.end()) {
      *err = l.where + ": unknown group " + l.gecos;
      return false;
    }
    if (std::find(it->members.begin(), it->members.end(), l.name) ==
        it->members.end())
      it->members.push_back(l.name);
  }
  std::stable_sort(
      out->users.begin(), out->users.end(),
      [](const Account &a, const Account &b) { return a.uid < b.uid; });
  std::stable_sort(
      out->groups.begin(), out->groups.end(),
      [](const Group &a, const Group &b) { return a.gid < b.gid; });
  return true;
}

std::string format_passwd(const Accounts &a) {
  std::string r;
  for (const Account &u : a.users)
    r += fmt::format("{}:x:{}:{}:{}:{}:{}\n", u.name, u.uid, u.gid, u.gecos,
                     u.home, u.shell);
  return r;
}

std::string format_group(const Accounts &a) {
  std::string r;
  for (const Group &g : a.groups)
    r += fmt::format("{}:x:{}:{}\n", g.name, g.gid, fmt::join(g.members, ","));
  return r;
}

// Locked passwords everywhere except root, whose empty password lets the
// emergency shell's sulogin in (as dracut's and mkosi's initrds do). `u!`
// accounts are locked fully: expired too (expiry day 1, as systemd 257's
// sysusers writes them), so no other way of logging in works either.
std::string format_shadow(const Accounts &a) {
  std::string r;
  for (const Account &u : a.users)
    r += fmt::format("{}:{}::::::{}:\n", u.name, u.uid == 0 ? "" : "!*",
                     u.locked ? "1" : "");
  return r;
}

std::string format_gshadow(const Accounts &a) {
  std::string r;
  for (const Group &g : a.groups)
    r += fmt::format("{}:!*::{}\n", g.name, fmt::join(g.members, ","));
  return r;
}

// Files of one kind from usr/lib/D and etc/D; etc masks same-named usr/lib.
static std::map<std::string, const Entry *>
config_files(const Tree &tree, const std::string &sub,
             const std::string &suffix) {
  std::map<std::string, const Entry *> files;
  for (const char *base : {"usr/lib/", "etc/"}) {
    std::string prefix = base + sub + "/";
    for (auto it = tree.entries().lower_bound(prefix);
         it != tree.entries().end() && it->first.starts_with(prefix); ++it) {
      std::string name = it->first.substr(prefix.size());
      if (name.find('/') == std::string::npos && name.ends_with(suffix) &&
          it->second.inode->type == NodeType::File)
        files[name] = &it->second;
    }
  }
  return files;
}

// The specifiers the image itself defines: its architecture and the fields
// of its os-release.
static std::map<char, std::string> image_specifiers(Context &ctx) {
  static const std::map<std::string, std::string> arch = {
      {"amd64", "x86-64"},   {"i386", "x86"},         {"arm64", "arm64"},
      {"armhf", "arm"},      {"ppc64el", "ppc64-le"}, {"s390x", "s390x"},
      {"riscv64", "riscv64"}};
  std::map<char, std::string> spec;
  if (auto it = arch.find(ctx.config.architecture); it != arch.end())
    spec['a'] = it->second;
  std::string text, resolved, err;
  const Entry *e = nullptr;
  if (ctx.tree.resolve("usr/lib/os-release", true, &resolved, &err))
    e = ctx.tree.find(resolved);
  if (!e || e->inode->type != NodeType::File ||
      !e->inode->content->read(&text, &err))
    return spec;
  static const std::map<std::string, char> keys = {
      {"ID", 'o'},       {"VERSION_ID", 'w'}, {"VARIANT_ID", 'W'},
      {"BUILD_ID", 'B'}, {"IMAGE_ID", 'M'},   {"IMAGE_VERSION", 'A'}};
  for (std::string_view line : split_lines(text)) {
    size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      continue;
    auto it = keys.find(std::string(line.substr(0, eq)));
    if (it == keys.end())
      continue;
    std::string v(line.substr(eq + 1));
    if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0])
      v = v.substr(1, v.size() - 2);
    spec[it->second] = v;
  }
  return spec;
}

void create_users(Context &ctx) {
  Timer t(ctx, "users and groups");
  std::vector<SysusersLine> lines;
  std::map<char, std::string> spec = image_specifiers(ctx);
  for (auto &[name, e] : config_files(ctx.tree, "sysusers.d", ".conf")) {
    std::string text, err;
    if (!e->inode->content->read(&text, &err) ||
        !parse_sysusers(text, "sysusers.d/" + name, &lines, &err, spec))
      Fatal(ctx) << err;
  }
  // Groups that udev rules name but no sysusers.d file declares; Debian's
  // udev postinst adds them with addgroup.
  static const std::regex group_re(R"re(GROUP="([a-z_][a-z0-9_-]*)")re");
  std::set<std::string> rule_groups;
  for (auto &[name, e] : config_files(ctx.tree, "udev/rules.d", ".rules")) {
    std::string text, err;
    if (!e->inode->content->read(&text, &err))
      Fatal(ctx) << err;
    for (std::sregex_iterator m(text.begin(), text.end(), group_re), end;
         m != end; ++m)
      rule_groups.insert((*m)[1]);
  }
  Accounts acc;
  std::string err;
  if (!allocate_accounts(lines, {rule_groups.begin(), rule_groups.end()}, &acc,
                         &err))
    Fatal(ctx) << err;
  const std::string origin = "initpack:sysusers";
  ctx.tree.add_file("etc/passwd", Content::from_bytes(format_passwd(acc)), 0644,
                    origin);
  ctx.tree.add_file("etc/group", Content::from_bytes(format_group(acc)), 0644,
                    origin);
  // Debian keeps the shadow files root:shadow 0640.
  uint32_t shadow_gid = 0;
  for (const Group &g : acc.groups)
    if (g.name == "shadow")
      shadow_gid = g.gid;
  ctx.tree
      .add_file("etc/shadow", Content::from_bytes(format_shadow(acc)), 0640,
                origin)
      .inode->gid = shadow_gid;
  ctx.tree
      .add_file("etc/gshadow", Content::from_bytes(format_gshadow(acc)), 0640,
                origin)
      .inode->gid = shadow_gid;
  Log(ctx) << "users: " << acc.users.size()
           << ", groups: " << acc.groups.size();
}

} // namespace initpack
