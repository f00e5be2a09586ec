#include "packages/resolver.h"

#include "packages/pool.h"
#include "packages/resolution_cache.h"
#include "packages/solv_text.h"

#include <algorithm>
#include <map>
#include <optional>
#include <regex.h>
#include <set>

namespace initpack {

namespace {

// Enough for bookworm (2-3); each round only adds favors, so it converges.
constexpr int kMaxRounds = 8;

class SolverRun {
public:
  explicit SolverRun(Pool *pool) : pool_(pool) {}
  ~SolverRun() {
    if (solv_)
      solver_free(solv_);
  }
  Solver *get() const { return solv_; }

  // Returns the number of problems.
  int solve(Queue *jobs, bool with_recommends) {
    if (solv_)
      solver_free(solv_);
    solv_ = solver_create(pool_);
    solver_set_flag(solv_, SOLVER_FLAG_IGNORE_RECOMMENDED, !with_recommends);
    return solver_solve(solv_, jobs);
  }

  std::vector<Id> installed() const {
    Queue q;
    queue_init(&q);
    solver_get_decisionqueue(solv_, &q);
    std::vector<Id> out;
    for (int i = 0; i < q.count; i++)
      if (q.elements[i] > 0 && q.elements[i] != SYSTEMSOLVABLE)
        out.push_back(q.elements[i]);
    queue_free(&q);
    return out;
  }

private:
  Pool *pool_;
  Solver *solv_ = nullptr;
};

// Real packages named `name` (not mere providers).
std::vector<Id> packages_named(Pool *pool, Id name) {
  std::vector<Id> out;
  Id p, pp;
  FOR_PROVIDES(p, pp, name) {
    if (pool_id2solvable(pool, p)->name == name)
      out.push_back(p);
  }
  return out;
}

// Turns one requested item into a job, or says what is wrong with it.
bool add_install_job(Pool *pool, const std::string &item, Queue *jobs,
                     std::string *err) {
  size_t eq = item.find('=');
  std::string name = item.substr(0, eq);
  Id name_id = pool_str2id(pool, name.c_str(), 0);
  std::vector<Id> real =
      name_id ? packages_named(pool, name_id) : std::vector<Id>();
  if (eq != std::string::npos) {
    std::string version = item.substr(eq + 1), have;
    for (Id p : real) {
      Solvable *s = pool_id2solvable(pool, p);
      if (pool_id2str(pool, s->evr) == version) {
        queue_push2(jobs, SOLVER_INSTALL | SOLVER_SOLVABLE, p);
        return true;
      }
      have += std::string(have.empty() ? "" : ", ") + pool_id2str(pool, s->evr);
    }
    *err = "no version " + version + " of package " + name +
           (have.empty() ? std::string(" (no such package)")
                         : " (available: " + have + ")");
    return false;
  }
  if (!real.empty()) {
    queue_push2(jobs, SOLVER_INSTALL | SOLVER_SOLVABLE_NAME, name_id);
    return true;
  }
  std::set<std::string> providers;
  Id p, pp;
  if (name_id) {
    FOR_PROVIDES(p, pp, name_id) {
      providers.insert(pool_id2str(pool, pool_id2solvable(pool, p)->name));
    }
  }
  if (providers.empty()) {
    *err = "unknown package " + name;
    // Debian keeps firmware and microcode in a component of its own that
    // apt sources often leave out.
    if (name.starts_with("firmware-") || name.ends_with("-microcode"))
      *err += " (Debian has it in the non-free-firmware component: add "
              "Repositories=main non-free-firmware)";
    return false;
  }
  if (providers.size() > 1) {
    *err = name + " is a virtual package provided by " +
           join(std::vector<std::string>(providers.begin(), providers.end()),
                ", ") +
           "; name one of them";
    return false;
  }
  queue_push2(jobs, SOLVER_INSTALL | SOLVER_SOLVABLE_PROVIDES, name_id);
  return true;
}

// The alternatives of "a | b | c", in order.
void flatten_or(Pool *pool, Id dep, std::vector<Id> *out) {
  if (ISRELDEP(dep)) {
    Reldep *rd = GETRELDEP(pool, dep);
    if (rd->flags == REL_OR) {
      flatten_or(pool, rd->name, out);
      flatten_or(pool, rd->evr, out);
      return;
    }
  }
  out->push_back(dep);
}

bool set_provides(Pool *pool, const std::vector<char> &in_set, Id dep) {
  Id p, pp;
  FOR_PROVIDES(p, pp, dep) {
    if (in_set[p])
      return true;
  }
  return false;
}

bool any_provider(Pool *pool, Id dep, const std::set<Id> &removed) {
  Id p, pp;
  FOR_PROVIDES(p, pp, dep) {
    if (!removed.count(pool_id2solvable(pool, p)->name))
      return true;
  }
  return false;
}

// Visits every Pre-Depends/Depends (and Recommends) of a solvable.
template <typename F>
void for_each_dependency(Pool *pool, Id p, bool with_recommends, F fn) {
  Solvable *s = pool_id2solvable(pool, p);
  if (s->requires_) {
    const char *field = "Depends";
    for (Id *d = s->repo->idarraydata + s->requires_; *d; d++) {
      if (*d == SOLVABLE_PREREQMARKER) {
        field = "Pre-Depends";
        continue;
      }
      fn(field, *d);
    }
  }
  if (with_recommends && s->recommends)
    for (Id *d = s->repo->idarraydata + s->recommends; *d; d++)
      fn("Recommends", *d);
}

// First alternatives the chosen set does not satisfy but could.
std::set<Id> missed_first_alternatives(Pool *pool, const std::vector<Id> &set,
                                       bool with_recommends,
                                       const std::set<Id> &removed) {
  std::vector<char> in_set(pool->nsolvables, 0);
  for (Id p : set)
    in_set[p] = 1;
  std::set<Id> out;
  for (Id p : set) {
    for_each_dependency(pool, p, with_recommends, [&](const char *, Id dep) {
      std::vector<Id> alts;
      flatten_or(pool, dep, &alts);
      if (alts.size() < 2 || set_provides(pool, in_set, alts[0]))
        return;
      if (any_provider(pool, alts[0], removed))
        out.insert(alts[0]);
    });
  }
  return out;
}

// Why each package is in the set: breadth-first from the requested ones,
// so each gets the shortest chain, in a stable order.
std::map<Id, std::string> explain(Pool *pool, const std::vector<Id> &set,
                                  const std::vector<Id> &requested,
                                  bool with_recommends) {
  std::vector<char> in_set(pool->nsolvables, 0);
  for (Id p : set)
    in_set[p] = 1;
  std::map<Id, std::string> why;
  std::vector<Id> queue;
  for (Id p : requested)
    if (in_set[p] && !why.count(p)) {
      why[p] = "requested";
      queue.push_back(p);
    }
  for (size_t i = 0; i < queue.size(); i++) {
    Id parent = queue[i];
    for_each_dependency(
        pool, parent, with_recommends, [&](const char *field, Id dep) {
          Id p, pp;
          FOR_PROVIDES(p, pp, dep) {
            if (!in_set[p] || why.count(p))
              continue;
            why[p] = std::string(field) + " of " +
                     pool_id2str(pool, pool_id2solvable(pool, parent)->name) +
                     ": " + describe_match(pool, dep, p);
            queue.push_back(p);
          }
        });
  }
  for (Id p : set)
    if (!why.count(p))
      why[p] = "chosen by the solver";
  return why;
}

// The packages the requested ones need when the removed ones are not
// there: a breadth-first walk like explain()'s that does not go through a
// removed package. What it does not reach was needed only by removed
// packages (polkitd's libraries once polkitd is removed), so it goes too,
// as `apt-get autoremove` would take it.
std::vector<char> needed_without(Pool *pool, const std::vector<Id> &set,
                                 const std::vector<Id> &requested,
                                 const std::set<Id> &removed,
                                 bool with_recommends) {
  std::vector<char> in_set(pool->nsolvables, 0), reached(pool->nsolvables, 0);
  for (Id p : set)
    in_set[p] = 1;
  std::vector<Id> queue;
  for (Id p : requested)
    if (in_set[p] && !reached[p]) {
      reached[p] = 1;
      queue.push_back(p);
    }
  for (size_t i = 0; i < queue.size(); i++) {
    if (removed.count(pool_id2solvable(pool, queue[i])->name))
      continue;
    for_each_dependency(pool, queue[i], with_recommends,
                        [&](const char *, Id dep) {
                          Id p, pp;
                          FOR_PROVIDES(p, pp, dep) {
                            if (in_set[p] && !reached[p]) {
                              reached[p] = 1;
                              queue.push_back(p);
                            }
                          }
                        });
  }
  return reached;
}

// Solvables that satisfy the install jobs, for explain().
std::vector<Id> requested_solvables(Pool *pool, const Queue &jobs,
                                    const std::vector<Id> &set) {
  std::vector<Id> out;
  for (int i = 0; i + 1 < jobs.count; i += 2) {
    Id how = jobs.elements[i], what = jobs.elements[i + 1];
    if ((how & SOLVER_JOBMASK) != SOLVER_INSTALL)
      continue;
    Id select = how & SOLVER_SELECTMASK;
    for (Id p : set) {
      bool match = select == SOLVER_SOLVABLE ? p == what
                   : select == SOLVER_SOLVABLE_PROVIDES
                       ? provides(pool, what, p)
                       : pool_match_nevr(pool, pool_id2solvable(pool, p), what);
      if (match)
        out.push_back(p);
    }
  }
  return out;
}

} // namespace

namespace {

// Solves `jobs`, favoring missed first alternatives until the set is
// stable. On failure sets *err to the problems.
bool solve_in_rounds(Pool *pool, Queue *jobs, const ResolveOptions &opts,
                     const std::set<Id> &removed, std::vector<Id> *set,
                     int *rounds, std::string *err) {
  int base_jobs = jobs->count;
  std::set<Id> favored;
  SolverRun run(pool);
  for (*rounds = 1;; ++*rounds) {
    if (run.solve(jobs, opts.with_recommends) > 0) {
      *err = describe_problems(run.get());
      queue_truncate(jobs, base_jobs);
      return false;
    }
    *set = run.installed();
    std::set<Id> missed =
        missed_first_alternatives(pool, *set, opts.with_recommends, removed);
    if (*rounds >= kMaxRounds || std::includes(favored.begin(), favored.end(),
                                               missed.begin(), missed.end()))
      break;
    favored.insert(missed.begin(), missed.end());
    queue_truncate(jobs, base_jobs);
    for (Id dep : favored)
      queue_push2(jobs, SOLVER_FAVOR | SOLVER_SOLVABLE_PROVIDES, dep);
  }
  return true;
}

// apt's rule (apt-get(8)): a requested name that is no package or
// provided name and holds one of . ? + * | [ ^ $ is a POSIX extended
// regular expression, searched in every package name, and every package it
// matches is installed. nullopt: `item` is no such expression. An
// expression that matches nothing is an error.
std::optional<std::vector<std::string>>
package_regex_matches(Pool *pool, const std::string &item, std::string *err) {
  if (item.find_first_of(".?+*|[^$") == std::string::npos ||
      item.find('=') != std::string::npos)
    return std::nullopt;
  if (Id id = pool_str2id(pool, item.c_str(), 0)) {
    Id p, pp;
    FOR_PROVIDES(p, pp, id) {
      return std::nullopt;
    }
  }
  regex_t re;
  if (int rc = regcomp(&re, item.c_str(), REG_EXTENDED | REG_NOSUB)) {
    char msg[256];
    regerror(rc, &re, msg, sizeof msg);
    *err = "Packages=" + item + ": invalid regular expression: " + msg;
    return std::vector<std::string>();
  }
  std::set<std::string> names;
  for (Id p = 2; p < pool->nsolvables; p++) {
    Solvable *s = pool_id2solvable(pool, p);
    if (!s->repo || s->repo == pool->installed)
      continue;
    const char *name = pool_id2str(pool, s->name);
    if (regexec(&re, name, 0, nullptr, 0) == 0)
      names.insert(name);
  }
  regfree(&re);
  if (names.empty())
    *err = "Packages=" + item +
           ": no package name matches this regular expression";
  return std::vector<std::string>(names.begin(), names.end());
}

// The install jobs of `wanted`, or what is wrong with them.
bool install_jobs(Pool *pool, const std::vector<std::string> &wanted,
                  const std::vector<std::string> &remove, Queue *jobs,
                  std::string *err) {
  std::vector<std::string> errors;
  for (const std::string &request : wanted) {
    std::string why;
    std::vector<std::string> items = {request};
    if (auto names = package_regex_matches(pool, request, &why)) {
      if (!why.empty()) {
        errors.push_back(why);
        continue;
      }
      items = std::move(*names);
    }
    for (const std::string &item : items) {
      std::string name = item.substr(0, item.find('='));
      if (std::find(remove.begin(), remove.end(), name) != remove.end())
        continue; // RemovePackages= wins over a request
      if (!add_install_job(pool, item, jobs, &why))
        errors.push_back(why);
    }
  }
  *err = join(errors, "\n");
  return errors.empty();
}

} // namespace

bool resolve(Archive &archive, const std::vector<std::string> &wanted,
             const ResolveOptions &opts, ResolveResult *out, std::string *err) {
  Pool *pool = archive.pool();
  Queue jobs;
  queue_init(&jobs);
  std::set<Id> removed;
  for (const std::string &name : opts.remove)
    if (Id id = pool_str2id(pool, name.c_str(), 0))
      removed.insert(id);
  bool ok = install_jobs(pool, wanted, opts.remove, &jobs, err);
  int requests = jobs.count;
  // First with the removed packages locked out, so that alternatives are
  // taken; when a dependency leaves no alternative, they are installed and
  // removed again afterwards (RemovePackages= as mkosi has it).
  for (Id id : removed)
    queue_push2(&jobs, SOLVER_LOCK | SOLVER_SOLVABLE_NAME, id);
  std::vector<Id> set;
  *out = ResolveResult();
  std::string locked_err;
  if (ok && !solve_in_rounds(pool, &jobs, opts, removed, &set, &out->rounds,
                             &locked_err)) {
    queue_truncate(&jobs, requests);
    ok = solve_in_rounds(pool, &jobs, opts, removed, &set, &out->rounds, err);
  }
  if (!ok) {
    queue_free(&jobs);
    return false;
  }
  std::vector<Id> requested = requested_solvables(pool, jobs, set);
  std::map<Id, std::string> why =
      explain(pool, set, requested, opts.with_recommends);
  std::vector<char> needed =
      needed_without(pool, set, requested, removed, opts.with_recommends);
  queue_free(&jobs);
  for (Id p : set) {
    PackageRef ref = archive.package_ref(p);
    ref.why = why[p];
    ref.replaces = archive.replaced_in(p, set);
    if (removed.count(pool_id2solvable(pool, p)->name))
      out->removed.push_back(std::move(ref));
    else if (!needed[p])
      out->orphaned.push_back(std::move(ref));
    else
      out->packages.push_back(std::move(ref));
  }
  auto by_name = [](const PackageRef &a, const PackageRef &b) {
    return a.name < b.name;
  };
  std::sort(out->packages.begin(), out->packages.end(), by_name);
  std::sort(out->removed.begin(), out->removed.end(), by_name);
  std::sort(out->orphaned.begin(), out->orphaned.end(), by_name);
  return true;
}

std::vector<PackageRef>
resolve_packages(Context &ctx, const std::vector<std::string> &wanted) {
  ResolveOptions opts;
  opts.with_recommends = ctx.config.with_recommends;
  opts.remove = ctx.config.remove_packages;
  ResolveResult res;
  std::string key = resolution_key(ctx, wanted, opts);
  if (find_cached_resolution(ctx, key, &res)) {
    Log(ctx) << "resolved " << res.packages.size()
             << " packages (as the last time with these indexes)";
  } else {
    std::shared_ptr<Archive> archive = load_archive(ctx);
    Timer timer(ctx, "resolve");
    std::string err;
    if (!resolve(*archive, wanted, opts, &res, &err))
      Fatal(ctx) << "cannot resolve the package set:\n" << err;
    Log(ctx) << "resolved " << res.packages.size() << " packages in "
             << res.rounds << " solver round(s)";
    cache_resolution(ctx, key, res);
  }
  // A profile removes what it knows its image never runs (polkitd from
  // NetworkManager's): say so only with --verbose. The user's own
  // RemovePackages= may have expected the package not to be installed.
  auto origin_of = [&](const std::string &name) -> std::string {
    auto list = ctx.config.item_origins.find("RemovePackages");
    if (list == ctx.config.item_origins.end())
      return "";
    auto it = list->second.find(name);
    return it == list->second.end() ? "" : it->second;
  };
  for (const PackageRef &p : res.removed) {
    std::string origin = origin_of(p.name);
    std::string text = (origin.empty() ? "" : origin + ": ") +
                       "RemovePackages=" + p.name + ": needed (" + p.why +
                       "); installed and removed again";
    if (origin.starts_with("profile "))
      Log(ctx) << text;
    else
      Warn(ctx) << text;
  }
  if (!res.orphaned.empty()) {
    std::vector<std::string> names;
    for (const PackageRef &p : res.orphaned)
      names.push_back(p.name);
    Log(ctx) << "RemovePackages=: also removed, needed only by removed "
                "packages: "
             << join(names, " ");
  }
  for (const PackageRef &p : res.packages)
    if (p.sha256.empty() || p.url.empty())
      Error(ctx) << p.name << " " << p.version
                 << ": the index gives no SHA256 or Filename";
  checkpoint(ctx);
  return std::move(res.packages);
}

} // namespace initpack
