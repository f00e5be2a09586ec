#include "image/sysusers.h"
#include "util/strings.h"

#include "context.h"

#include <algorithm>
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

bool parse_sysusers(std::string_view text, const std::string &filename,
                    std::vector<SysusersLine> *out, std::string *err) {
  int lineno = 0;
  for (std::string_view line : split_lines(text)) {
    lineno++;
    std::vector<std::string> f;
    std::string why;
    std::string where = fmt::format("{}:{}", filename, lineno);
    if (!split_fields(line, &f, &why)) {
      *err = where + ": " + why;
      return false;
    }
    if (f.empty() || f[0][0] == '#')
      continue;
    if (f[0].size() != 1 ||
        std::string("ugmr").find(f[0][0]) == std::string::npos) {
      *err = where + ": unknown line type '" + f[0] + "'";
      return false;
    }
    if (f.size() < 2) {
      *err = where + ": missing name";
      return false;
    }
    auto field = [&](size_t i) {
      return i < f.size() && f[i] != "-" ? f[i] : std::string();
    };
    SysusersLine l;
    l.type = f[0][0];
    l.name = f[1];
    l.id = f.size() > 2 ? f[2] : "-";
    l.gecos = l.type == 'm' ? field(2) : field(3);
    l.home = field(4);
    l.shell = field(5);
    l.where = where;
    if (l.type == 'm')
      l.id = "-";
    if (l.type == 'm' && l.gecos.empty()) {
      *err = where + ": 'm' needs a group";
      return false;
    }
    out->push_back(std::move(l));
  }
  return true;
}

namespace {

constexpr uint32_t kSystemIdMax = 999; // dynamic ids go downwards from here
constexpr uint32_t kSystemIdMin = 100;

bool parse_number(const std::string &s, uint32_t *out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *out = static_cast<uint32_t>(std::stoul(s));
  return true;
}

// Hands out ids from 999 downwards, skipping taken ones.
struct IdPool {
  std::set<uint32_t> taken;
  bool take(uint32_t id) { return taken.insert(id).second; }
  bool next(uint32_t *out) {
    for (uint32_t id = kSystemIdMax; id >= kSystemIdMin; id--)
      if (take(id)) {
        *out = id;
        return true;
      }
    return false;
  }
};

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
  for (const std::string &g : extra_groups)
    if (group_names.insert(g).second)
      groups.push_back({g, "-", "udev rules"});

  // Fixed ids first, then dynamic ones, so a fixed id is never stolen.
  IdPool gids, uids;
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
// emergency shell's sulogin in (as dracut's and mkosi's initrds do).
std::string format_shadow(const Accounts &a) {
  std::string r;
  for (const Account &u : a.users)
    r += fmt::format("{}:{}:::::::\n", u.name, u.uid == 0 ? "" : "!*");
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

void create_users(Context &ctx) {
  Timer t(ctx, "users and groups");
  std::vector<SysusersLine> lines;
  for (auto &[name, e] : config_files(ctx.tree, "sysusers.d", ".conf")) {
    std::string text, err;
    if (!e->inode->content->read(&text, &err) ||
        !parse_sysusers(text, "sysusers.d/" + name, &lines, &err))
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
