#include "packages/suites.h"

#include "config/config.h"
#include "util/apt_sources.h"
#include "util/diag.h"
#include "util/fs.h"

#include <algorithm>

namespace initpack {

namespace {

bool is_security_suite(const std::string &suite) {
  return suite.ends_with("-security") || suite.ends_with("/updates");
}

bool contains(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string strip_slash(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/')
    uri.pop_back();
  return uri;
}

TrustedKeys keys_for(const AptSource *src, const Config &cfg) {
  TrustedKeys keys;
  if (src) {
    keys.keyring_files = src->signed_by;
    if (!src->signed_by_key.empty())
      keys.inline_keys.push_back(src->signed_by_key);
  }
  if (keys.keyring_files.empty() && keys.inline_keys.empty())
    keys.keyring_files = cfg.keyrings.empty()
                             ? std::vector<std::string>{kDefaultKeyring}
                             : cfg.keyrings;
  return keys;
}

// Every enabled, signed host entry for our architecture, as is.
bool suites_from_host(Diagnostics &diag, const Config &cfg,
                      const std::vector<AptSource> &host,
                      std::vector<SuiteSource> *out, std::string *err) {
  for (const AptSource &src : host) {
    if (!src.architectures.empty() &&
        !contains(src.architectures, cfg.architecture))
      continue;
    if (src.trusted) {
      Warn(diag) << src.origin << ": skipping an unsigned source (trusted=yes)";
      continue;
    }
    for (const std::string &uri : src.uris) {
      for (const std::string &suite : src.suites) {
        if (suite.ends_with("/") && !is_security_suite(suite)) {
          *err = src.origin + ": flat repositories (suite " + suite +
                 ") are not supported";
          return false;
        }
        SuiteSource s;
        s.uri = strip_slash(uri);
        s.suite = suite;
        s.components =
            cfg.repositories.empty() ? src.components : cfg.repositories;
        s.keys = keys_for(&src, cfg);
        s.check_valid_until =
            cfg.check_valid_until && src.check_valid_until.value_or(true);
        s.allow_older_release = cfg.allow_older_release;
        s.subpriority = suite_subpriority(suite);
        s.origin = src.origin;
        out->push_back(std::move(s));
      }
    }
  }
  if (out->empty()) {
    *err = "no enabled 'deb' entry for " + cfg.architecture + " in " +
           join_path(cfg.apt_root, "etc/apt/sources.list{,.d}") +
           "; set Mirror= and Release=";
    return false;
  }
  return true;
}

// The first host entry serving a (non-)security suite: where the settings
// take the mirror, components and keys they do not name.
const AptSource *host_entry(const std::vector<AptSource> &host, bool security) {
  for (const AptSource &src : host)
    for (const std::string &suite : src.suites)
      if (is_security_suite(suite) == security && !src.uris.empty())
        return &src;
  return nullptr;
}

std::vector<std::string> wanted_suites(const Config &cfg,
                                       const std::vector<AptSource> &host) {
  if (!cfg.suites.empty())
    return cfg.suites;
  const std::string &r = cfg.release;
  if (r == "unstable" || r == "sid" || r == "experimental" || r == "rc-buggy")
    return {r};
  if (!r.empty())
    return {r, r + "-updates", r + "-security"};
  std::vector<std::string> suites; // Mirror= alone: the host's suites
  for (const AptSource &src : host)
    for (const std::string &s : src.suites)
      if (!contains(suites, s))
        suites.push_back(s);
  return suites;
}

} // namespace

int suite_subpriority(const std::string &suite) {
  if (is_security_suite(suite))
    return 2;
  if (suite.ends_with("-updates"))
    return 1;
  return 0;
}

bool configured_suites(Diagnostics &diag, const Config &cfg,
                       std::vector<SuiteSource> *out, std::string *err) {
  out->clear();
  std::vector<AptSource> host;
  std::string host_err;
  bool host_ok = read_apt_sources(cfg.apt_root, &host, &host_err);
  bool explicit_config =
      !cfg.mirror.empty() || !cfg.release.empty() || !cfg.suites.empty();
  if (!explicit_config) {
    if (!host_ok) {
      *err = host_err;
      return false;
    }
    return suites_from_host(diag, cfg, host, out, err);
  }
  if (!host_ok) {
    Log(diag) << "ignoring the host's apt sources: " << host_err;
    host.clear();
  }
  std::vector<std::string> suites = wanted_suites(cfg, host);
  if (suites.empty()) {
    *err = "Mirror= needs Release= or Suites= (the host's apt sources name "
           "no suite)";
    return false;
  }
  for (const std::string &suite : suites) {
    bool security = is_security_suite(suite);
    const AptSource *src = host_entry(host, security);
    std::string uri = security ? cfg.security_mirror : cfg.mirror;
    if (uri.empty() && src)
      uri = src->uris[0];
    else
      src = nullptr; // the settings name the mirror: not the host's keys
    if (uri.empty() && security && cfg.suites.empty()) {
      Warn(diag) << "no security mirror known (set SecurityMirror=); "
                 << "loading without " << suite;
      continue;
    }
    if (uri.empty())
      uri = cfg.mirror;
    if (uri.empty()) {
      *err = "no mirror for suite " + suite + ": set Mirror=";
      return false;
    }
    SuiteSource s;
    s.uri = strip_slash(uri);
    s.suite = suite;
    s.components = !cfg.repositories.empty() ? cfg.repositories
                   : src && !src->components.empty()
                       ? src->components
                       : std::vector<std::string>{"main"};
    s.keys = keys_for(cfg.keyrings.empty() ? src : nullptr, cfg);
    s.check_valid_until = cfg.check_valid_until &&
                          (!src || src->check_valid_until.value_or(true));
    s.allow_older_release = cfg.allow_older_release;
    s.subpriority = suite_subpriority(suite);
    s.origin = src ? src->origin : std::string("the settings");
    out->push_back(std::move(s));
  }
  return true;
}

} // namespace initpack
