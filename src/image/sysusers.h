// Users and groups, as the packages' sysusers.d files declare them
// (systemd-sysusers' format, sysusers.d(5)), written into /etc/passwd,
// /etc/group, /etc/shadow and /etc/gshadow of the image. Debian's
// maintainer scripts do this with adduser/addgroup at install time; we do
// it declaratively, with a deterministic allocation of dynamic ids.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;

struct SysusersLine {
  char type = 0;       // 'u', 'g', 'm', 'r'
  bool locked = false; // "u!": fully locked (systemd 257)
  std::string name;    // "-" for 'r'
  std::string id;      // "-", "42", "42:100", "42:group", "-:group"; 'r':
                       // "100-999" or "500"
  std::string gecos;   // 'u'; the group for 'm'
  std::string home, shell;
  std::string where; // "file:line" for messages
};

// Parses one sysusers.d file (systemd 257's grammar: u, u!, g, m, r, "-"
// for an unset field, specifiers). `specifiers` gives the values of those
// an image has (%a, %o, %w, %W, %B from its os-release); %%, %T and %V are
// built in, and any other is an error: it describes a running machine.
// Returns false with "file:line: message" on the first malformed line.
bool parse_sysusers(std::string_view text, const std::string &filename,
                    std::vector<SysusersLine> *out, std::string *err,
                    const std::map<char, std::string> &specifiers = {});

struct Account {
  std::string name;
  uint32_t uid = 0, gid = 0;
  std::string gecos, home, shell;
  bool locked = false;
};
struct Group {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};
struct Accounts {
  std::vector<Account> users;
  std::vector<Group> groups;
};

// Applies the lines in order: fixed ids first (as systemd-sysusers does),
// then dynamic ones from the top of the `r` ranges (default 100-999)
// downwards, skipping ids already taken. `m` creates a user or group that
// no line declares.
// `extra_groups` are system groups that nothing declares but udev rules
// name (GROUP="kvm"); they are allocated like `g NAME -`.
bool allocate_accounts(const std::vector<SysusersLine> &lines,
                       const std::vector<std::string> &extra_groups,
                       Accounts *out, std::string *err);

std::string format_passwd(const Accounts &a);
std::string format_group(const Accounts &a);
std::string format_shadow(const Accounts &a);
std::string format_gshadow(const Accounts &a);

// The pass: reads usr/lib/sysusers.d and etc/sysusers.d from ctx.tree (a
// file in etc masks one of the same name in usr/lib), finds the groups the
// udev rules name, and writes etc/passwd, group, shadow and gshadow.
void create_users(Context &ctx);

} // namespace initpack
