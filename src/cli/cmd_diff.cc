// `initpack diff A B`: how the file trees of two initrds differ, one line
// per path: "+ path" only in B, "- path" only in A, "~ path: what changed".
// When both carry a manifest (codec/image_manifest.h), lines for what it
// records come first: "~ package systemd 252.30-1 -> 252.31-1",
// "+ package lvm2 2.03.16-2", "~ manifest kernel A -> B".
// Exits 0 when identical, 1 when different, 2 on trouble, like diff(1).
#include "cli/commands.h"
#include "codec/image_manifest.h"
#include "context.h"
#include "inspect/initrd_diff.h"
#include "inspect/manifest_diff.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace initpack {

namespace {

struct DiffArgs {
  std::string a, b;
  bool json = false;
  DiffOptions diff;
  bool both_manifests = false; // set by run_diff
};

// Reads an image (false: trouble, in *err) and its manifest: *ok false
// when it has none or one this initpack cannot read (then the files alone
// are compared).
bool read_manifest(Context &ctx, const std::string &path,
                   std::vector<InitrdSegment> *segs,
                   std::vector<InitrdEntry> *entries, ImageManifest *m,
                   std::string *err, bool *ok) {
  std::string text;
  auto keep = [&](const InitrdEntry &e, std::string_view data) {
    if (is_image_manifest_path(e.path) && S_ISREG(e.mode))
      text = data;
  };
  if (!read_initrd(path, segs, entries, err, keep))
    return false;
  std::string why;
  *ok = !text.empty() && parse_image_manifest(text, m, &why);
  if (!text.empty() && !*ok)
    Warn(ctx) << path << ": " << kImageManifestPath << ": " << why;
  return true;
}

void print_json(const DiffArgs &opts, const std::vector<InitrdChange> &changes,
                const std::vector<ManifestChange> &manifest) {
  nlohmann::ordered_json j;
  j["a"] = opts.a;
  j["b"] = opts.b;
  j["identical"] = changes.empty() && manifest.empty();
  // Present when both images have a manifest.
  if (opts.both_manifests) {
    nlohmann::ordered_json m = nlohmann::ordered_json::array();
    for (const ManifestChange &c : manifest)
      m.push_back({{"kind", c.kind == '+'   ? "added"
                            : c.kind == '-' ? "removed"
                                            : "changed"},
                   {"what", c.what},
                   {"name", c.name},
                   {"a", c.a},
                   {"b", c.b}});
    j["manifest_changes"] = m;
  }
  size_t counts[3] = {0, 0, 0};
  j["changes"] = nlohmann::ordered_json::array();
  for (const InitrdChange &c : changes) {
    counts[c.kind == '+' ? 0 : c.kind == '-' ? 1 : 2]++;
    nlohmann::ordered_json x = {{"kind", c.kind == '+'   ? "added"
                                         : c.kind == '-' ? "removed"
                                                         : "changed"},
                                {"path", c.path}};
    for (const auto &f : c.fields)
      x["fields"][f.name] = {{"a", f.old_value}, {"b", f.new_value}};
    j["changes"].push_back(std::move(x));
  }
  j["added"] = counts[0];
  j["removed"] = counts[1];
  j["changed"] = counts[2];
  std::string s = j.dump(1) + "\n";
  fwrite(s.data(), 1, s.size(), stdout);
}

int run_diff(Context &ctx, DiffArgs &opts) {
  Timer timer(ctx, "diff");
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> a, b;
  ImageManifest ma, mb;
  bool has_a = false, has_b = false;
  std::string err;
  if (!read_manifest(ctx, opts.a, &segs, &a, &ma, &err, &has_a) ||
      !read_manifest(ctx, opts.b, &segs, &b, &mb, &err, &has_b)) {
    Error(ctx) << err;
    return 2;
  }
  opts.both_manifests = has_a && has_b;
  std::vector<ManifestChange> manifest;
  if (opts.both_manifests)
    manifest = diff_manifests(ma, mb);
  std::vector<InitrdChange> changes = diff_initrds(a, b, opts.diff);
  if (opts.json) {
    print_json(opts, changes, manifest);
  } else {
    std::string out;
    for (const ManifestChange &c : manifest)
      out += format_manifest_change(c) + "\n";
    for (const InitrdChange &c : changes)
      out += format_change(c) + "\n";
    fwrite(out.data(), 1, out.size(), stdout);
  }
  return changes.empty() && manifest.empty() ? 0 : 1;
}

} // namespace

void register_diff_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<DiffArgs>();
  CLI::App *cmd = app.add_subcommand(
      "diff", "Compare the files of two initrds, and the package versions "
              "of their manifests (exit 0 same, 1 different)");
  cmd->add_option("a", opts->a, "The first initrd")->required();
  cmd->add_option("b", opts->b, "The second initrd")->required();
  cmd->add_flag("--json", opts->json, "Print the changes as one JSON object");
  cmd->add_flag("--mtime", opts->diff.compare_mtime,
                "Compare modification times too");
  cmd->callback([&ctx, exit_code, opts] { *exit_code = run_diff(ctx, *opts); });
}

} // namespace initpack
