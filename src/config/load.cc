#include "config/load.h"

#include "config/dracut.h"
#include "config/ini.h"
#include "config/match.h"
#include "config/mkosi.h"
#include "config/profiles.h"
#include "config/settings.h"
#include "config/suggest.h"
#include "context.h"
#include "kernel/storage_stack.h"
#include "util/apt_sources.h"
#include "util/fs.h"
#include "util/strings.h"
#include "util/timer.h"

#include <algorithm>
#include <cstdlib>

namespace initpack {

bool source_date_epoch_from_environment(std::optional<int64_t> *out,
                                        std::string *err) {
  const char *env = getenv("SOURCE_DATE_EPOCH");
  if (!env || !*env)
    return true;
  SettingValue v;
  if (!parse_setting_value(*find_setting("SourceDateEpoch"), env, "", &v,
                           err)) {
    *err = "$SOURCE_DATE_EPOCH: " + *err;
    return false;
  }
  *out = v.number;
  return true;
}

std::vector<std::string> standard_config_dirs() {
  // mkosi-initrd's first (config/mkosi.h), so initpack's own override them.
  return {"/usr/lib/mkosi-initrd", "/usr/local/lib/mkosi-initrd",
          "/run/mkosi-initrd",     "/etc/mkosi-initrd",
          "/usr/lib/initpack",     "/usr/local/lib/initpack",
          "/run/initpack",         "/etc/initpack"};
}

namespace {

// One assignment, parsed and validated, and where it came from.
struct Op {
  const Setting *setting;
  SettingValue value;
  std::string origin; // for summary: "file:line", "profile lvm (file:line)"
  std::string where;  // for errors: "file:line: [Content] Packages="
};

bool is_profiles(const Op &op) {
  return std::string_view(op.setting->key) == "Profiles";
}

// A parsed file: its sections (for [Match]) and its assignments.
struct Fragment {
  std::vector<IniSection> sections;
  std::vector<Op> ops;
  // mkosi's Include=: read at the point of the assignment, i.e. before
  // ops[first]; second is the path and where it was named.
  std::vector<std::pair<size_t, std::pair<std::string, std::string>>> includes;
};

std::string location(const std::string &path, int line) {
  return path + ":" + std::to_string(line);
}

// The names of the *.conf files directly in `dir`, sorted by name; hidden
// files and directories are not configuration.
std::vector<std::string> conf_file_names(const std::string &dir) {
  std::vector<std::string> names;
  for (const std::string &name : list_dir(dir))
    if (!name.starts_with('.') && name.ends_with(".conf") &&
        !is_directory(join_path(dir, name)))
      names.push_back(name);
  return names;
}

// "-p,--package" -> "--package"; "--hostonly,!--no-hostonly" -> "--hostonly"
std::string long_flag(std::string_view flags) {
  while (!flags.empty()) {
    std::string_view name = flags.substr(0, flags.find(','));
    if (name.starts_with("--"))
      return std::string(name);
    flags.remove_prefix(std::min(flags.size(), name.size() + 1));
  }
  return "";
}

// VERSION_CODENAME of the first of `paths` that exists.
std::string read_codename(const std::vector<std::string> &paths) {
  for (const std::string &path : paths) {
    std::string text, err;
    if (!read_file(path, &text, &err))
      continue;
    size_t pos = text.starts_with("VERSION_CODENAME=")
                     ? 0
                     : text.find("\nVERSION_CODENAME=");
    if (pos == std::string::npos)
      return "";
    pos = text.find('=', pos) + 1;
    std::string v = text.substr(pos, text.find('\n', pos) - pos);
    if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0])
      v = v.substr(1, v.size() - 2);
    return v;
  }
  return "";
}

// The release Release= matches while none is configured: the one the
// packages will come from, i.e. the codename of the first suite of the apt
// sources under AptRoot= (packages/suites.cc reads the same sources), else
// that root's VERSION_CODENAME. So a trixie host builds and matches trixie
// with no flags, and so does --apt-root at a trixie tree. AptRoot= counts
// here only from the command line: the files' [Match] sections are
// evaluated while the files are read.
std::string default_release(const CliConfig &cli) {
  if (!cli.os_release.empty())
    return read_codename({cli.os_release});
  std::string root = "/";
  if (auto it = cli.values.find("AptRoot"); it != cli.values.end() &&
                                            !it->second.empty() &&
                                            !it->second.back().empty())
    root = it->second.back();
  std::vector<AptSource> sources;
  std::string err;
  if (read_apt_sources(root, &sources, &err))
    for (const AptSource &src : sources)
      for (const std::string &suite : src.suites)
        if (std::string c = suite.substr(0, suite.find_first_of("-/"));
            !c.empty())
          return c;
  return read_codename({join_path(root, "etc/os-release"),
                        join_path(root, "usr/lib/os-release")});
}

std::vector<std::string> all_keys() {
  std::vector<std::string> keys;
  for (const Setting &s : settings())
    keys.push_back(s.key);
  return keys;
}

class Loader : public MkosiSink {
public:
  Loader(const CliConfig &cli, std::vector<std::string> *errors,
         std::vector<std::string> *notes, std::vector<std::string> *warnings)
      : cli_(cli), errors_(errors), notes_(notes), warnings_(warnings) {}

  Config run() {
    host_release_ = default_release(cli_);
    read_command_line();
    read_dracut_configs();
    read_files(config_dirs());
    expand_profiles();
    std::map<std::string, std::string> last_where;
    Config c = replay(&last_where);
    finish(c, last_where);
    return c;
  }

  // MkosiSink: reading mkosi configuration directories (config/mkosi.h).
  bool read_file(const std::string &path) override {
    return read_config_file(path);
  }
  std::vector<std::string> profiles() override { return replay().profiles; }
  void profile_read(const std::string &name) override {
    mkosi_profiles_.push_back(name);
  }
  void extra_tree(const std::string &dir) override {
    SettingValue v;
    v.items = {dir};
    file_ops_.push_back({find_setting("ExtraTrees"), std::move(v),
                         dir + "/ (mkosi.extra)", dir});
  }
  void error(std::string msg) override { errors_->push_back(std::move(msg)); }

private:
  void note(std::string msg) {
    if (notes_)
      notes_->push_back(std::move(msg));
  }
  void warning(std::string msg) {
    if (warnings_)
      warnings_->push_back(std::move(msg));
  }

  void read_command_line() {
    for (auto &[key, raws] : cli_.values)
      if (!find_setting(key))
        error("unknown setting " + key + "= on the command line");
    for (const Setting &s : settings()) {
      auto it = cli_.values.find(s.key);
      if (it == cli_.values.end())
        continue;
      std::string flag = long_flag(s.flags);
      for (const std::string &raw : it->second) {
        SettingValue v;
        std::string err;
        if (!parse_setting_value(s, raw, "", &v, &err))
          error(flag + ": " + err);
        else
          cli_ops_.push_back(
              {&s, std::move(v), "command line (" + flag + ")", flag});
      }
    }
  }

  // --dracut-config: files, or directories of *.conf files in name order.
  void read_dracut_configs() {
    for (const std::string &path : cli_.dracut_configs) {
      std::vector<std::string> files;
      if (is_directory(path)) {
        for (const std::string &name : conf_file_names(path))
          files.push_back(join_path(path, name));
        if (files.empty())
          error("--dracut-config " + path + ": no *.conf file in it");
      } else {
        files.push_back(path);
      }
      for (const std::string &file : files)
        read_dracut_file(file);
    }
  }

  void read_dracut_file(const std::string &path) {
    std::string text, err;
    if (!initpack::read_file(path, &text, &err)) {
      error("--dracut-config: " + err);
      return;
    }
    files_.push_back({path, true});
    std::vector<DracutAssignment> assignments;
    if (!parse_dracut_conf(text, &assignments, &err)) {
      error(path + ":" + err);
      return;
    }
    for (const DracutAssignment &a : assignments) {
      std::string where =
          location(path, a.line) + ": " + a.name + (a.append ? "+=" : "=");
      DracutMapping m = dracut_option_settings(a);
      for (const std::string &why : m.ignored)
        warning(where + " is not used: " + why);
      for (const DracutSetting &d : m.settings) {
        const Setting *s = find_setting(d.key);
        SettingValue v;
        if (!parse_setting_value(*s, d.value, dirname(path), &v, &err)) {
          error(where + " (as " + d.key + "=): " + err);
          continue;
        }
        file_ops_.push_back(
            {s, std::move(v),
             location(path, a.line) + " (dracut " + a.name + ")",
             where + " (as " + d.key + "=)"});
      }
    }
  }

  std::vector<std::string> config_dirs() {
    std::vector<std::string> dirs = standard_config_dirs();
    if (cli_.system_config_dirs) {
      dirs = *cli_.system_config_dirs;
    } else if (const char *env = getenv("INITPACK_SYSTEM_CONFIG_DIRS")) {
      dirs.clear();
      for (std::string_view rest = env; !rest.empty();) {
        std::string_view d = rest.substr(0, rest.find(':'));
        if (!d.empty())
          dirs.emplace_back(d);
        rest.remove_prefix(std::min(rest.size(), d.size() + 1));
      }
    }
    for (const std::string &d : cli_.config_dirs) {
      if (is_directory(d))
        dirs.push_back(d);
      else
        error("-C " + d + ": not a directory");
    }
    return dirs;
  }

  bool has_initpack_files(const std::string &dir) {
    if (file_exists(join_path(dir, "initpack.conf")))
      return true;
    return !conf_file_names(join_path(dir, "initpack.conf.d")).empty();
  }

  // Main files in directory order, then the drop-ins of all directories
  // merged by name (see load.h).
  void read_files(const std::vector<std::string> &dirs) {
    // mkosi configuration first, each directory in mkosi's order
    // (config/mkosi.h), so initpack's own files override it.
    const std::vector<std::string> &cli_dirs = cli_.config_dirs;
    for (size_t i = 0; i < dirs.size(); i++) {
      bool mkosi = read_mkosi_dir(dirs[i], *this);
      bool from_cli = std::find(cli_dirs.begin(), cli_dirs.end(), dirs[i]) !=
                      cli_dirs.end();
      if (from_cli && !mkosi && !has_initpack_files(dirs[i]))
        error("-C " + dirs[i] +
              ": no configuration initpack reads (initpack.conf, "
              "initpack.conf.d/*.conf, mkosi.conf, mkosi.conf.d/, "
              "mkosi.extra/)");
    }
    std::vector<std::string> paths;
    for (const std::string &d : dirs)
      if (std::string p = join_path(d, "initpack.conf");
          file_exists(p) && !is_directory(p))
        paths.push_back(p);
    std::map<std::string, std::string> dropins; // sorted by byte order
    for (const std::string &d : dirs) {
      std::string dd = join_path(d, "initpack.conf.d");
      for (const std::string &name : conf_file_names(dd)) {
        std::string p = join_path(dd, name);
        if (auto it = dropins.find(name); it != dropins.end())
          note(p + " masks " + it->second);
        dropins[name] = p;
      }
    }
    for (auto &[name, p] : dropins)
      paths.push_back(p);
    for (const std::string &p : paths)
      read_config_file(p);
  }

  // Returns whether the file applies (its [Match] holds).
  bool read_config_file(const std::string &path) {
    Fragment f;
    size_t first_error = errors_->size();
    bool ok = read_fragment(path, "", &f) && applies(path, dirname(path), f);
    sort_by_line(first_error, path);
    if (!ok)
      return false;
    auto include = f.includes.begin();
    for (size_t i = 0; i <= f.ops.size(); i++) {
      for (; include != f.includes.end() && include->first == i; ++include)
        read_include(include->second.first, include->second.second);
      if (i < f.ops.size())
        file_ops_.push_back(std::move(f.ops[i]));
    }
    return true;
  }

  // mkosi's Include=: a file, or a directory read as mkosi reads one.
  void read_include(const std::string &path, const std::string &where) {
    if (std::find(including_.begin(), including_.end(), path) !=
        including_.end()) {
      error(where + ": " + path + " includes itself");
      return;
    }
    including_.push_back(path);
    if (is_directory(path)) {
      if (!read_mkosi_dir(path, *this))
        error(where + ": " + path + " holds no mkosi configuration");
    } else if (file_exists(path)) {
      read_config_file(path);
    } else {
      error(where + ": " + path + ": no such file or directory");
    }
    including_.pop_back();
  }

  // A file's errors come from several passes (syntax, settings, [Match]);
  // a user reads them best in line order.
  void sort_by_line(size_t first_error, const std::string &path) {
    auto line = [&](const std::string &e) {
      return e.starts_with(path + ":") ? atoi(e.c_str() + path.size() + 1) : 0;
    };
    std::stable_sort(errors_->begin() + first_error, errors_->end(),
                     [&](const std::string &a, const std::string &b) {
                       return line(a) < line(b);
                     });
  }

  // Whether the file's [Match] holds against the values known now; records
  // the file either way.
  bool applies(const std::string &path, const std::string &dir,
               const Fragment &f) {
    Config now = replay();
    MatchContext mc{now, host_release_, dir};
    bool matched = file_matches(f.sections, path, mc, errors_);
    files_.push_back({path, matched});
    note((matched ? "read " : "skipped (its [Match] does not hold) ") + path);
    return matched;
  }

  // Reads and validates one file. `profile` names the profile it belongs
  // to, for the origin shown by `initpack summary`.
  bool read_fragment(const std::string &path, const std::string &profile,
                     Fragment *out) {
    std::string text, err;
    if (!initpack::read_file(path, &text, &err)) {
      error(err);
      return false;
    }
    out->sections = parse_ini(text, path, errors_);
    std::string base = dirname(path);
    std::vector<std::string> known = setting_sections();
    known.insert(known.end(), {"Match", "TriggerMatch"});
    known.insert(known.end(), mkosi_only_sections().begin(),
                 mkosi_only_sections().end());
    for (const IniSection &sec : out->sections) {
      if (is_match_section(sec.name))
        continue;
      if (std::find(known.begin(), known.end(), sec.name) == known.end()) {
        std::string msg =
            location(path, sec.line) + ": unknown section [" + sec.name + "]";
        if (std::string near = closest_match(sec.name, known); !near.empty())
          msg += "; did you mean [" + near + "]?";
        error(msg);
        continue;
      }
      for (const IniEntry &e : sec.entries)
        add_entry(path, base, profile, sec, e, out);
    }
    return true;
  }

  void add_entry(const std::string &path, const std::string &base,
                 const std::string &profile, const IniSection &sec,
                 const IniEntry &e, Fragment *out) {
    std::string where =
        location(path, e.line) + ": [" + sec.name + "] " + e.key + "=";
    const Setting *s = find_setting(e.key);
    if ((!s || sec.name != s->section) &&
        mkosi_entry(base, sec, e, where, &s, out))
      return;
    if (!s) {
      std::string msg = where + ": unknown setting";
      if (std::string near = closest_match(e.key, all_keys()); !near.empty()) {
        const Setting *n = find_setting(near);
        std::string in =
            n->section == sec.name ? "" : "[" + std::string(n->section) + "] ";
        msg += "; did you mean " + in + near + "=?";
      }
      error(msg);
      return;
    }
    if (sec.name != s->section &&
        mkosi_key(sec.name, e.key).kind != MkosiKey::Alias) {
      error(where + ": belongs in [" + s->section + "]");
      return;
    }
    SettingValue v;
    std::string err;
    if (!parse_setting_value(*s, e.value, base, &v, &err)) {
      error(where + ": " + err);
      return;
    }
    std::string origin = location(path, e.line);
    if (!profile.empty())
      origin = "profile " + profile + " (" + origin + ")";
    out->ops.push_back({s, std::move(v), origin, where});
  }

  // A key of mkosi's that initpack's table does not declare (config/mkosi.h).
  // Returns true when the entry is dealt with; an alias sets *s instead.
  bool mkosi_entry(const std::string &base, const IniSection &sec,
                   const IniEntry &e, const std::string &where,
                   const Setting **s, Fragment *out) {
    MkosiKey m = mkosi_key(sec.name, e.key);
    switch (m.kind) {
    case MkosiKey::Unknown:
      return false;
    case MkosiKey::Alias:
      *s = find_setting(m.text);
      return false;
    case MkosiKey::Ignored:
      warning(where + " is ignored: " + m.text);
      return true;
    case MkosiKey::Refused:
      error(where + ": not supported: " + m.text);
      return true;
    case MkosiKey::Include:
      break;
    }
    for (std::string_view rest = e.value; !rest.empty();) {
      std::string_view item = rest.substr(0, rest.find_first_of(",\n"));
      rest.remove_prefix(std::min(rest.size(), item.size() + 1));
      while (!item.empty() && isspace((unsigned char)item.front()))
        item.remove_prefix(1);
      while (!item.empty() && isspace((unsigned char)item.back()))
        item.remove_suffix(1);
      if (item.empty())
        continue;
      if (std::string why = mkosi_builtin_include(item); !why.empty())
        warning(where + std::string(item) + " is ignored: " + why);
      else
        out->includes.push_back(
            {out->ops.size(),
             {item.starts_with('/') ? std::string(item) : join_path(base, item),
              where}});
    }
    return true;
  }

  void expand_profiles() {
    std::string err;
    profiles_dir_ = find_profiles_dir(cli_.profiles_dir, &err);
    if (profiles_dir_.empty()) {
      error(err);
      return;
    }
    // The names asked for, each with where; a reset forgets earlier ones.
    std::vector<std::pair<std::string, std::string>> requested;
    for (const std::vector<Op> *ops : {&file_ops_, &cli_ops_})
      for (const Op &op : *ops)
        if (is_profiles(op)) {
          if (op.value.reset)
            requested.clear();
          for (const std::string &name : op.value.items)
            if (std::find(mkosi_profiles_.begin(), mkosi_profiles_.end(),
                          name) == mkosi_profiles_.end())
              requested.emplace_back(name, op.where);
        }
    add_hostonly_profiles(&requested);
    std::vector<std::string> stack;
    // An extension image extends a system that has the base already.
    if (!is_extension_format(replay().format))
      visit_profile("default", "", stack);
    for (auto &[name, where] : requested)
      visit_profile(name, where, stack);
  }

  // Hostonly: the storage profiles the root's device stack needs (luks,
  // lvm, raid …), after the ones asked for. Decided on the files and the
  // command line alone: profiles cannot turn hostonly on.
  void add_hostonly_profiles(
      std::vector<std::pair<std::string, std::string>> *requested) {
    Config c = replay();
    if (!c.hostonly)
      return;
    std::vector<std::string> notes;
    for (const StorageProfile &p : detect_storage_profiles(
             c.sysfs_root, c.proc_root, c.host_crypttab, &notes)) {
      note("hostonly: profile " + p.name + ": " + p.why);
      requested->emplace_back(p.name, "hostonly (" + p.why + ")");
    }
    for (const std::string &n : notes)
      note("hostonly: " + n);
  }

  // Applies profile `name` after the profiles it names (depth first);
  // `stack` holds the profiles being applied, to detect cycles.
  void visit_profile(const std::string &name, const std::string &where,
                     std::vector<std::string> &stack) {
    auto applied = [&](const AppliedProfile &p) { return p.name == name; };
    if (std::any_of(applied_.begin(), applied_.end(), applied))
      return;
    if (auto it = std::find(stack.begin(), stack.end(), name);
        it != stack.end()) {
      std::vector<std::string> cycle(it, stack.end());
      cycle.push_back(name);
      error(where + ": profile cycle: " + join(cycle, " -> "));
      return;
    }
    std::string dir = join_path(profiles_dir_, name);
    std::string conf = join_path(dir, "profile.conf");
    if (!file_exists(conf)) {
      unknown_profile(name, where);
      return;
    }
    std::vector<Op> ops;
    if (!read_profile_file(conf, name, dir, &ops))
      return;
    // Drop-ins, each with its own [Match]: where package names differ
    // between releases (Release=bookworm / Release=!bookworm).
    std::string dd = join_path(dir, "profile.conf.d");
    for (const std::string &d : conf_file_names(dd))
      read_profile_file(join_path(dd, d), name, dir, &ops);
    stack.push_back(name);
    for (const Op &op : ops)
      if (is_profiles(op))
        for (const std::string &sub : op.value.items)
          visit_profile(sub, op.where, stack);
    stack.pop_back();
    for (Op &op : ops)
      if (!is_profiles(op))
        profile_ops_.push_back(std::move(op));
    std::string tree = join_path(dir, "tree");
    applied_.push_back({name, dir, is_directory(tree) ? tree : ""});
  }

  // One file of a profile; false when it is malformed or its [Match]
  // does not hold.
  bool read_profile_file(const std::string &path, const std::string &name,
                         const std::string &dir, std::vector<Op> *ops) {
    Fragment f;
    size_t first_error = errors_->size();
    bool ok = read_fragment(path, name, &f) && applies(path, dir, f);
    sort_by_line(first_error, path);
    if (ok)
      for (Op &op : f.ops)
        ops->push_back(std::move(op));
    return ok;
  }

  void unknown_profile(const std::string &name, const std::string &where) {
    if (where.empty()) {
      error(profiles_dir_ + "/default/profile.conf is missing: the default "
                            "profile is the base of every image");
      return;
    }
    std::vector<std::string> available = available_profiles(profiles_dir_);
    std::string msg = where + ": unknown profile '" + name + "'";
    if (std::string near = closest_match(name, available); !near.empty())
      msg += "; did you mean " + near + "?";
    error(msg + " (available: " + join(available, ", ") + ")");
  }

  // Applies everything known so far onto the defaults: profiles, files,
  // command line. `last_where` gets where each setting was last assigned.
  Config replay(std::map<std::string, std::string> *last_where = nullptr) {
    Config c;
    for (const Setting &s : settings())
      c.origins[s.key] = {"default"};
    for (const std::vector<Op> *ops : {&profile_ops_, &file_ops_, &cli_ops_})
      for (const Op &op : *ops) {
        const Setting &s = *op.setting;
        apply_setting(c, s, op.value);
        std::vector<std::string> &o = c.origins[s.key];
        if (s.merge != Merge::Append || op.value.reset || o[0] == "default")
          o.clear();
        o.push_back(op.origin);
        if (s.type == SettingType::List) {
          std::map<std::string, std::string> &items = c.item_origins[s.key];
          if (s.merge != Merge::Append || op.value.reset)
            items.clear();
          for (const std::string &item : op.value.items)
            items.insert_or_assign(item, op.origin);
        }
        if (last_where)
          (*last_where)[s.key] = op.where;
      }
    return c;
  }

  void finish(Config &c, const std::map<std::string, std::string> &where) {
    c.profiles_dir = profiles_dir_;
    c.applied_profiles = applied_;
    c.config_files = files_;
    add_profile_trees(c);
    if (!c.source_date_epoch)
      source_date_epoch_from_environment(c);
    resolve_output_encoding(c, where);
    warn_unused_settings(c, where);
  }

  // Settings the chosen output cannot use are said, never dropped quietly.
  void warn_unused_settings(const Config &c,
                            const std::map<std::string, std::string> &where) {
    auto it = where.find("KernelCommandLine");
    if (!c.kernel_command_line.empty() && c.format != Format::Uki &&
        it != where.end())
      warning(it->second +
              " is not used by Format=" + std::string(format_name(c.format)) +
              ": an initrd carries no kernel command line, the boot loader "
              "gives the kernel one (kernel-install takes it from "
              "/etc/kernel/cmdline); Format=uki embeds it");
  }

  // Profile trees go first, so ExtraTrees= from files and the command line
  // overlay them.
  void add_profile_trees(Config &c) {
    std::vector<std::string> trees, origins;
    for (const AppliedProfile &p : applied_)
      if (!p.tree.empty()) {
        trees.push_back(p.tree);
        origins.push_back("profile " + p.name + " (tree/)");
      }
    std::vector<std::string> &o = c.origins["ExtraTrees"];
    if (o == std::vector<std::string>{"default"})
      o.clear();
    c.extra_trees.insert(c.extra_trees.begin(), trees.begin(), trees.end());
    o.insert(o.begin(), origins.begin(), origins.end());
    if (o.empty())
      o.push_back("default");
  }

  void source_date_epoch_from_environment(Config &c) {
    std::string err;
    if (!initpack::source_date_epoch_from_environment(&c.source_date_epoch,
                                                      &err))
      error(err);
    else if (c.source_date_epoch)
      c.origins["SourceDateEpoch"] = {"environment ($SOURCE_DATE_EPOCH)"};
  }

  // Format=, CompressOutput=, CompressLevel= and the mode
  // (KernelModulesIncludeHost=) become c.encoding; an
  // error names where the setting at fault was written.
  void
  resolve_output_encoding(Config &c,
                          const std::map<std::string, std::string> &where) {
    std::string key, err;
    if (resolve_encoding(c.format, c.hostonly, c.compression,
                         c.compression_level, &c.encoding, &key, &err))
      return;
    auto it = where.find(key);
    error((it != where.end() ? it->second : key + "=") + ": " + err);
  }

  const CliConfig &cli_;
  std::vector<std::string> *errors_, *notes_, *warnings_;
  std::vector<std::string> mkosi_profiles_; // read from mkosi.profiles/
  std::vector<std::string> including_;      // Include= files being read
  std::vector<Op> profile_ops_, file_ops_, cli_ops_;
  std::vector<ConfigFile> files_;
  std::vector<AppliedProfile> applied_;
  std::string profiles_dir_, host_release_;
};

} // namespace

Config resolve_config(const CliConfig &cli, std::vector<std::string> *errors,
                      std::vector<std::string> *notes,
                      std::vector<std::string> *warnings) {
  return Loader(cli, errors, notes, warnings).run();
}

void load_config(Context &ctx, const CliConfig &cli) {
  Timer timer(ctx, "load config");
  std::vector<std::string> errors, notes, warnings;
  ctx.config = resolve_config(cli, &errors, &notes, &warnings);
  ctx.diag.strict = ctx.config.strict;
  for (const std::string &n : notes)
    Log(ctx) << "config: " << n;
  for (const std::string &w : warnings)
    StrictWarn(ctx) << w;
  for (const std::string &e : errors)
    Error(ctx) << e;
  checkpoint(ctx);
}

} // namespace initpack
