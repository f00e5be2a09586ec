#include "packages/solv_text.h"

#include <algorithm>

namespace initpack {

namespace {

const char *relation_text(int flags) {
  switch (flags) {
  case REL_LT:
    return "<<";
  case REL_LT | REL_EQ:
    return "<=";
  case REL_EQ:
    return "=";
  case REL_GT | REL_EQ:
    return ">=";
  case REL_GT:
    return ">>";
  }
  return nullptr;
}

// The package name a dependency is about (no version, no :any).
Id dep_name(Pool *pool, Id dep) {
  while (ISRELDEP(dep)) {
    Reldep *rd = GETRELDEP(pool, dep);
    if (rd->flags == REL_OR)
      return 0;
    dep = rd->name;
  }
  return dep;
}

const char *ordinal(size_t i) {
  static const char *words[] = {"first", "second", "third", "fourth", "fifth"};
  return i < 5 ? words[i] : "a later";
}

std::string provided_by(Pool *pool, Id dep, Id p) {
  Id name = dep_name(pool, dep);
  Id pname = pool_id2solvable(pool, p)->name;
  if (!name || name == pname)
    return "";
  return std::string(" (provided by ") + pool_id2str(pool, pname) + ")";
}

std::string rule_text(Solver *solv, Id rule) {
  Pool *pool = solv->pool;
  Id source = 0, target = 0, dep = 0;
  SolverRuleinfo type = solver_ruleinfo(solv, rule, &source, &target, &dep);
  switch (type) {
  case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
    return solvable_text(pool, source) + " depends on " + dep_text(pool, dep) +
           ", which no package provides";
  case SOLVER_RULE_PKG_REQUIRES:
    return solvable_text(pool, source) + " depends on " + dep_text(pool, dep) +
           ", but no package providing it can be installed";
  case SOLVER_RULE_PKG_CONFLICTS:
    return solvable_text(pool, source) + " conflicts with " +
           solvable_text(pool, target) +
           " (Conflicts/Breaks: " + dep_text(pool, dep) + ")";
  case SOLVER_RULE_PKG_SELF_CONFLICT:
    return solvable_text(pool, source) + " conflicts with itself";
  case SOLVER_RULE_PKG_SAME_NAME:
    return "only one of " + solvable_text(pool, source) + " and " +
           solvable_text(pool, target) + " can be installed";
  case SOLVER_RULE_PKG_OBSOLETES:
  case SOLVER_RULE_PKG_IMPLICIT_OBSOLETES:
  case SOLVER_RULE_PKG_INSTALLED_OBSOLETES:
    return solvable_text(pool, source) + " replaces " +
           solvable_text(pool, target);
  case SOLVER_RULE_PKG_NOT_INSTALLABLE:
    return solvable_text(pool, source) + " is not installable on this "
                                         "architecture";
  case SOLVER_RULE_JOB_NOTHING_PROVIDES_DEP:
  case SOLVER_RULE_JOB_UNKNOWN_PACKAGE:
    return "no package provides " + dep_text(pool, dep) +
           ", which was requested";
  case SOLVER_RULE_JOB: {
    Id what = 0;
    Id how = solver_rule2job(solv, rule, &what);
    std::string sel = solver_select2str(pool, how & SOLVER_SELECTMASK, what);
    if ((how & SOLVER_JOBMASK) == SOLVER_LOCK)
      return sel + " must not be installed (RemovePackages=)";
    return sel + " is requested";
  }
  default:
    return solver_problemruleinfo2str(solv, type, source, target, dep);
  }
}

// libsolv's words for a way out, with RemovePackages= named.
std::string solution_text(Solver *solv, Id p, Id rp) {
  std::string text = solver_solutionelement2str(solv, p, rp);
  const std::string lock = "do not ask to lock ";
  if (text.starts_with(lock))
    return "drop " + text.substr(lock.size()) + " from RemovePackages=";
  return text;
}

} // namespace

bool provides(Pool *pool, Id dep, Id p) {
  Id q, qq;
  FOR_PROVIDES(q, qq, dep) {
    if (q == p)
      return true;
  }
  return false;
}

std::string dep_text(Pool *pool, Id dep) {
  if (!ISRELDEP(dep))
    return pool_id2str(pool, dep);
  Reldep *rd = GETRELDEP(pool, dep);
  if (rd->flags == REL_OR)
    return dep_text(pool, rd->name) + " | " + dep_text(pool, rd->evr);
  if (rd->flags == REL_MULTIARCH)
    return dep_text(pool, rd->name) + ":" + pool_id2str(pool, rd->evr);
  if (const char *op = relation_text(rd->flags))
    return dep_text(pool, rd->name) + " (" + op + " " +
           pool_id2str(pool, rd->evr) + ")";
  return pool_dep2str(pool, dep);
}

std::string solvable_text(Pool *pool, Id p) {
  Solvable *s = pool_id2solvable(pool, p);
  return std::string(pool_id2str(pool, s->name)) + " " +
         pool_id2str(pool, s->evr);
}

std::string describe_match(Pool *pool, Id dep, Id p) {
  std::vector<Id> alts;
  for (Id d = dep; ISRELDEP(d) && GETRELDEP(pool, d)->flags == REL_OR;) {
    alts.push_back(GETRELDEP(pool, d)->name);
    d = GETRELDEP(pool, d)->evr;
    if (!ISRELDEP(d) || GETRELDEP(pool, d)->flags != REL_OR)
      alts.push_back(d);
  }
  if (alts.empty())
    return dep_text(pool, dep) + provided_by(pool, dep, p);
  for (size_t i = 0; i < alts.size(); i++)
    if (provides(pool, alts[i], p))
      return std::string(ordinal(i)) + " alternative of " +
             dep_text(pool, dep) + provided_by(pool, alts[i], p);
  return dep_text(pool, dep);
}

std::string describe_problems(Solver *solv) {
  std::vector<std::string> out;
  int count = solver_problem_count(solv);
  for (Id problem = 1; problem <= count; problem++) {
    Queue rules;
    queue_init(&rules);
    solver_findallproblemrules(solv, problem, &rules);
    // What the packages say first, then the requests that meet it.
    std::vector<std::string> reasons, requests;
    for (int i = 0; i < rules.count; i++) {
      Id rule = rules.elements[i];
      bool is_job = solver_ruleclass(solv, rule) == SOLVER_RULE_JOB;
      std::vector<std::string> &list = is_job ? requests : reasons;
      std::string r = rule_text(solv, rule);
      if (std::find(list.begin(), list.end(), r) == list.end())
        list.push_back(r);
    }
    reasons.insert(reasons.end(), requests.begin(), requests.end());
    queue_free(&rules);
    out.push_back("  problem " + std::to_string(problem) + ": " +
                  join(reasons, "\n    and "));
    std::vector<std::string> ways;
    int nsol = solver_solution_count(solv, problem);
    for (Id sol = 1; sol <= nsol; sol++) {
      std::vector<std::string> steps;
      Id p = 0, rp = 0, element = 0;
      while ((element = solver_next_solutionelement(solv, problem, sol, element,
                                                    &p, &rp)) != 0)
        steps.push_back(solution_text(solv, p, rp));
      ways.push_back(join(steps, " and "));
    }
    if (!ways.empty())
      out.push_back("    ways out: " + join(ways, "; or "));
  }
  return join(out, "\n");
}

} // namespace initpack
