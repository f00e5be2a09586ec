#include "kernel/module_select.h"

#include "context.h"
#include "kernel/kmod.h"
#include "kernel/module_globs.h"
#include "kernel/module_rules.h"
#include "util/fs.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace initpack {

bool scan_module_universe(const std::string &modules_dir, ModuleUniverse *out,
                          std::string *err) {
  out->modules_dir = modules_dir;
  std::error_code ec;
  // build/ and source/ are symlinks to the kernel headers: not followed.
  fs::recursive_directory_iterator it(modules_dir, ec), end;
  if (ec) {
    *err = "cannot read " + modules_dir + ": " + ec.message();
    return false;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      *err = "cannot read " + modules_dir + ": " + ec.message();
      return false;
    }
    if (it->is_directory(ec) || !it->is_regular_file(ec))
      continue;
    std::string rel = it->path().string().substr(modules_dir.size() + 1);
    ModuleUniverse::File f;
    if (module_file_names(rel, &f.name, &f.match_path)) {
      f.relpath = std::move(rel);
      out->files.push_back(std::move(f));
    }
  }
  std::sort(out->files.begin(), out->files.end(),
            [](const auto &a, const auto &b) { return a.relpath < b.relpath; });
  for (size_t i = 0; i < out->files.size(); i++)
    out->by_name.emplace(out->files[i].name, i);

  std::string builtin;
  if (read_file(modules_dir + "/modules.builtin", &builtin, err)) {
    std::istringstream in(builtin);
    std::string line;
    ModuleUniverse::File f;
    while (std::getline(in, line)) {
      if (module_file_names(line, &f.name, &f.match_path)) {
        f.relpath = line;
        out->builtin.insert(f.name);
        out->builtin_files.push_back(f);
      }
    }
  }
  err->clear();
  return true;
}

bool wants_host_modules(const Context &ctx) {
  if (ctx.config.hostonly)
    return true;
  for (const auto *list :
       {&ctx.config.kernel_modules_include, &ctx.config.kernel_modules})
    if (std::find(list->begin(), list->end(), "host") != list->end())
      return true;
  return false;
}

namespace {

// Where a seed came from decides whether KernelModulesExclude= applies.
enum class Source { Explicit, Default, Host };

class Selector {
public:
  Selector(Context &ctx, const ModuleUniverse &u, Kmod &kmod)
      : ctx_(ctx), u_(u), kmod_(kmod) {}

  void parse_excludes();
  void apply_rule(const ModuleRule &rule, Source source);
  void apply_host(const std::vector<HostModuleRequest> &host);
  void apply_globs(const std::vector<std::string> &patterns);
  void filter_globs(const std::vector<std::string> &patterns);
  std::vector<ModuleSeed> take() { return std::move(seeds_); }

private:
  void add(const std::string &name, Source source, const std::string &why);
  const ModuleRule *exclusion(const std::string &name) const;

  Context &ctx_;
  const ModuleUniverse &u_;
  Kmod &kmod_;
  std::vector<ModuleRule> excludes_;
  std::vector<ModuleSeed> seeds_;
  std::set<std::string> seen_;
};

void Selector::parse_excludes() {
  for (const std::string &text : ctx_.config.kernel_modules_exclude) {
    ModuleRule rule;
    std::string err;
    if (!parse_module_rule(text, "KernelModulesExclude=", &rule, &err))
      Error(ctx_) << err;
    else if (rule.kind == ModuleRule::Kind::Default ||
             rule.kind == ModuleRule::Kind::Host)
      Error(ctx_) << "KernelModulesExclude=: '" << text
                  << "' is only meaningful in KernelModulesInclude=";
    else
      excludes_.push_back(std::move(rule));
  }
}

const ModuleRule *Selector::exclusion(const std::string &name) const {
  auto it = u_.by_name.find(name);
  if (it == u_.by_name.end())
    return nullptr;
  for (const ModuleRule &rule : excludes_)
    if (rule.matches(name, u_.files[it->second].match_path))
      return &rule;
  return nullptr;
}

// mkosi: "KernelModulesInclude= takes priority over KernelModulesExclude=".
// So a module the user names explicitly stays in; exclusions trim what the
// default list and the host's devices bring. They trim the selection only:
// a module still needed by a selected one comes back as its dependency, as
// in mkosi, because an initrd whose modules cannot load is worse than a
// bigger one.
void Selector::add(const std::string &name, Source source,
                   const std::string &why) {
  if (seen_.count(name))
    return;
  if (source != Source::Explicit) {
    if (const ModuleRule *rule = exclusion(name)) {
      Log(ctx_) << "module " << name << " (" << why << ") excluded by "
                << rule->origin << rule->text;
      return;
    }
  }
  seen_.insert(name);
  seeds_.push_back({name, why});
}

void Selector::apply_rule(const ModuleRule &rule, Source source) {
  std::string why = source == Source::Explicit
                        ? rule.origin + rule.text
                        : "default list rule '" + rule.text + "'";
  bool matched = false;
  if (rule.kind == ModuleRule::Kind::Name) {
    if (u_.by_name.count(rule.name)) {
      add(rule.name, source, why);
      matched = true;
    } else if (u_.builtin.count(rule.name)) {
      Log(ctx_) << "module " << rule.name << " (" << why
                << ") is built into the kernel";
      matched = true;
    }
  } else {
    for (const ModuleUniverse::File &f : u_.files) {
      if (rule.matches(f.name, f.match_path)) {
        add(f.name, source, why);
        matched = true;
      }
    }
    for (const ModuleUniverse::File &f : u_.builtin_files) {
      if (!matched && rule.matches(f.name, f.match_path)) {
        Log(ctx_) << "module " << f.name << " (" << why
                  << ") is built into the kernel";
        matched = true;
      }
    }
  }
  if (matched)
    return;
  if (source == Source::Explicit) // as mkosi: a warning, unless Strict=
    StrictWarn(ctx_) << rule.origin << rule.text
                     << ": no such kernel module in " << u_.modules_dir;
  else // the list serves many kernels; not every one has every module
    Log(ctx_) << rule.origin << ": '" << rule.text << "' matches no module in "
              << u_.modules_dir;
}

void Selector::apply_host(const std::vector<HostModuleRequest> &host) {
  using K = HostModuleRequest::Kind;
  for (const HostModuleRequest &req : host) {
    std::vector<std::string> names =
        kmod_.lookup(req.kind == K::Filesystem ? "fs-" + req.key : req.key);
    if (names.empty() && req.kind != K::Alias)
      names = kmod_.lookup(req.key);
    if (names.empty() && req.kind != K::Alias)
      Log(ctx_) << "no module for " << req.key << " (" << req.why
                << "): built in, or not a module";
    for (const std::string &name : names)
      if (!u_.builtin.count(name))
        add(name, Source::Host, req.why);
  }
}

// KernelModules=: every module whose last matching pattern is a positive
// one. A pattern matching no module is a warning, as in mkosi: the same
// configuration serves kernels that lack some modules.
void Selector::apply_globs(const std::vector<std::string> &patterns) {
  for (const std::string &p : patterns) {
    if (p == "default" || p == "host" || p.starts_with('-'))
      continue;
    bool matched = false;
    for (const ModuleUniverse::File &f : u_.files) {
      std::string path = module_glob_path(f.relpath);
      if (!module_glob_matches(p, path))
        continue;
      matched = true;
      if (module_glob_verdict(patterns, path) == GlobVerdict::Include)
        add(f.name, Source::Explicit, "KernelModules=" + p);
    }
    for (const ModuleUniverse::File &f : u_.builtin_files)
      if (!matched && module_glob_matches(p, module_glob_path(f.relpath))) {
        Log(ctx_) << "module " << f.name << " (KernelModules=" << p
                  << ") is built into the kernel";
        matched = true;
      }
    if (!matched)
      StrictWarn(ctx_) << "KernelModules=" << p << ": no such kernel module in "
                       << u_.modules_dir;
  }
}

// KernelModules= has the last word over every selected module (mkosi's
// ordered list): what its last matching pattern excludes is dropped. A
// module another one needs still comes back as a dependency.
void Selector::filter_globs(const std::vector<std::string> &patterns) {
  std::erase_if(seeds_, [&](const ModuleSeed &s) {
    auto it = u_.by_name.find(s.name);
    if (it == u_.by_name.end() ||
        module_glob_verdict(patterns,
                            module_glob_path(u_.files[it->second].relpath)) !=
            GlobVerdict::Exclude)
      return false;
    Log(ctx_) << "module " << s.name << " (" << s.why
              << ") excluded by KernelModules=";
    seen_.erase(s.name);
    return true;
  });
}

} // namespace

std::vector<ModuleSeed>
select_modules(Context &ctx, const ModuleUniverse &u, Kmod &kmod,
               const std::vector<HostModuleRequest> &host) {
  Selector sel(ctx, u, kmod);
  sel.parse_excludes();
  std::vector<std::string> include = ctx.config.kernel_modules_include;
  const std::vector<std::string> &globs = ctx.config.kernel_modules;
  // KernelModules=' words mean what they mean in KernelModulesInclude=.
  for (const char *word : {"default", "host"})
    if (std::find(globs.begin(), globs.end(), word) != globs.end())
      include.push_back(word);
  // Nothing asked for: the generic list, or in hostonly mode what the
  // host's devices need.
  bool positive_globs =
      std::any_of(globs.begin(), globs.end(),
                  [](const std::string &g) { return !g.starts_with('-'); });
  if (include.empty() && !positive_globs && !ctx.config.hostonly)
    include.push_back("default");
  bool with_host = false;
  for (const std::string &text : include) {
    ModuleRule rule;
    std::string err;
    if (!parse_module_rule(text, "KernelModulesInclude=", &rule, &err)) {
      Error(ctx) << err;
    } else if (rule.kind == ModuleRule::Kind::Host) {
      with_host = true;
    } else if (rule.kind == ModuleRule::Kind::Default && ctx.config.hostonly) {
      // The default profile asks for the generic list; hostonly replaces
      // it with what the host uses (as dracut --hostonly does). "host"
      // with hostonly off gives both.
      Log(ctx) << "hostonly: the generic default module list is not used";
    } else if (rule.kind == ModuleRule::Kind::Default) {
      std::vector<ModuleRule> list;
      std::string path = default_module_list_path(ctx.config.profiles_dir);
      if (!load_module_rule_list(path, &list, &err))
        Error(ctx) << err;
      for (const ModuleRule &r : list)
        sel.apply_rule(r, Source::Default);
    } else {
      sel.apply_rule(rule, Source::Explicit);
    }
  }
  for (const std::string &name : ctx.config.kernel_modules_load) {
    ModuleRule rule;
    std::string err;
    if (!parse_module_rule(name, "KernelModulesLoad=", &rule, &err))
      Error(ctx) << err;
    else if (rule.kind != ModuleRule::Kind::Name)
      Error(ctx) << "KernelModulesLoad=" << name
                 << ": a module name, not a pattern or word";
    else
      sel.apply_rule(rule, Source::Explicit);
  }
  if (with_host || ctx.config.hostonly)
    sel.apply_host(host);
  sel.apply_globs(globs);
  sel.filter_globs(globs);
  checkpoint(ctx);
  return sel.take();
}

std::vector<ModuleChoice>
close_over_dependencies(Context &ctx, const ModuleUniverse &u, Kmod &kmod,
                        const std::vector<ModuleSeed> &seeds) {
  // Breadth first, seeds before anything they pull in, so each module's
  // "why" is the most direct reason.
  std::deque<ModuleSeed> todo(seeds.begin(), seeds.end());
  std::map<std::string, ModuleChoice> chosen;
  std::set<std::string> visited;
  const std::string prefix = u.modules_dir + "/";
  while (!todo.empty()) {
    ModuleSeed m = std::move(todo.front());
    todo.pop_front();
    if (!visited.insert(m.name).second || u.builtin.count(m.name))
      continue;
    Kmod::Info info = kmod.info(m.name);
    if (!info.found) {
      Warn(ctx) << "kernel module " << m.name << " (" << m.why << ") is not in "
                << u.modules_dir << " (stale modules.dep?)";
      continue;
    }
    if (info.path.compare(0, prefix.size(), prefix) != 0)
      Fatal(ctx) << "libkmod placed module " << m.name << " at " << info.path
                 << ", outside " << u.modules_dir;
    for (const std::string &d : info.dependencies)
      todo.push_back({d, "dependency of " + m.name});
    for (const std::string &d : info.softdeps_pre)
      todo.push_back({d, "softdep pre of " + m.name});
    for (const std::string &d : info.softdeps_post)
      todo.push_back({d, "softdep post of " + m.name});
    chosen[m.name] = ModuleChoice{m.name, info.path.substr(prefix.size()),
                                  m.why, std::move(info.firmware)};
  }
  std::vector<ModuleChoice> out;
  for (auto &[name, choice] : chosen)
    out.push_back(std::move(choice));
  return out;
}

} // namespace initpack
