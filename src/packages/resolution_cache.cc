#include "packages/resolution_cache.h"

#include "packages/pool.h"
#include "util/build_id.h"
#include "util/fs.h"
#include "util/hash.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

using json = nlohmann::json;

namespace {

PackageRef package_from_json(const json &j) {
  PackageRef p;
  p.name = j.at("name").get<std::string>();
  p.version = j.at("version").get<std::string>();
  p.arch = j.at("arch").get<std::string>();
  p.url = j.at("url").get<std::string>();
  p.sha256 = j.at("sha256").get<std::string>();
  p.size = j.at("size").get<uint64_t>();
  p.installed_size = j.at("installed_size").get<uint64_t>();
  p.why = j.at("why").get<std::string>();
  p.replaces = j.at("replaces").get<std::vector<std::string>>();
  return p;
}

json packages_json(const std::vector<PackageRef> &pkgs) {
  json a = json::array();
  for (const PackageRef &p : pkgs)
    a.push_back(package_ref_json(p));
  return a;
}

std::vector<PackageRef> packages_from_json(const json &a) {
  std::vector<PackageRef> out;
  for (const json &j : a)
    out.push_back(package_from_json(j));
  return out;
}

std::string cache_dir(const Context &ctx) {
  return join_path(cache_root(ctx), "resolved");
}

std::string entry_path(const Context &ctx, const std::string &key) {
  return cache_dir(ctx) + "/" + sha256_hex(key) + ".json";
}

void remove_old_entries(Context &ctx, const std::string &dir) {
  time_t cutoff = time(nullptr) - time_t(kResolutionKeepDays) * 86400;
  for (const std::string &name : list_dir(dir)) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (name.ends_with(".json") && ::stat(path.c_str(), &st) == 0 &&
        st.st_mtime < cutoff && ::unlink(path.c_str()) == 0)
      Log(ctx) << "pruned " << path << " (unused for " << kResolutionKeepDays
               << " days)";
  }
}

} // namespace

json package_ref_json(const PackageRef &p) {
  return {{"name", p.name},
          {"version", p.version},
          {"arch", p.arch},
          {"url", p.url},
          {"sha256", p.sha256},
          {"size", p.size},
          {"installed_size", p.installed_size},
          {"why", p.why},
          {"replaces", p.replaces}};
}

std::string resolution_key(const std::string &program_id,
                           const std::string &architecture,
                           const std::vector<PackagesIndex> &indexes,
                           const std::vector<std::string> &wanted,
                           const ResolveOptions &opts) {
  json idx = json::array();
  for (const PackagesIndex &i : indexes)
    idx.push_back({i.base_uri, i.suite, i.component, i.sha256, i.subpriority,
                   i.not_automatic});
  json key = {{"format", kResolutionFormat},
              {"program", program_id},
              {"architecture", architecture},
              {"indexes", idx},
              {"wanted", wanted},
              {"recommends", opts.with_recommends},
              {"remove", opts.remove}};
  return key.dump();
}

std::string resolution_to_json(const std::string &key, const ResolveResult &r) {
  json j = {{"format", kResolutionFormat},
            {"key", key},
            {"rounds", r.rounds},
            {"packages", packages_json(r.packages)},
            {"removed", packages_json(r.removed)},
            {"orphaned", packages_json(r.orphaned)}};
  return j.dump(1) + "\n";
}

bool resolution_from_json(const std::string &text, const std::string &key,
                          ResolveResult *r, std::string *err) {
  try {
    json j = json::parse(text);
    if (j.at("format").get<int>() != kResolutionFormat) {
      *err = "format " + j.at("format").dump() + ", expected " +
             std::to_string(kResolutionFormat);
      return false;
    }
    if (j.at("key").get<std::string>() != key) {
      *err = "made for another key";
      return false;
    }
    ResolveResult out;
    out.rounds = j.at("rounds").get<int>();
    out.packages = packages_from_json(j.at("packages"));
    out.removed = packages_from_json(j.at("removed"));
    out.orphaned = packages_from_json(j.at("orphaned"));
    *r = std::move(out);
  } catch (const std::exception &e) {
    *err = e.what();
    return false;
  }
  return true;
}

std::string resolution_key(Context &ctx, const std::vector<std::string> &wanted,
                           const ResolveOptions &opts) {
  std::string id = program_build_id();
  if (id.empty())
    return "";
  return resolution_key(id, ctx.config.architecture, archive_indexes(ctx),
                        wanted, opts);
}

bool find_cached_resolution(Context &ctx, const std::string &key,
                            ResolveResult *out) {
  if (key.empty())
    return false;
  std::string path = entry_path(ctx, key), text, err;
  if (!file_exists(path))
    return false;
  if (!read_file(path, &text, &err) ||
      !resolution_from_json(text, key, out, &err)) {
    Log(ctx) << path << ": not used: " << err;
    return false;
  }
  Log(ctx) << "resolution from " << path;
  return true;
}

void cache_resolution(Context &ctx, const std::string &key,
                      const ResolveResult &r) {
  if (key.empty())
    return;
  std::string dir = cache_dir(ctx), err;
  remove_old_entries(ctx, dir);
  if (!mkdir_p(dir, &err) ||
      !write_file(entry_path(ctx, key), resolution_to_json(key, r), &err))
    Log(ctx) << "resolution not cached: " << err;
}

} // namespace initpack
