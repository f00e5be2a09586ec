// `initpack diff A B`: how the file trees of two initrds differ, one line
// per path: "+ path" only in B, "- path" only in A, "~ path: what changed".
// Exits 0 when identical, 1 when different, 2 on trouble, like diff(1).
#include "cli/commands.h"
#include "context.h"
#include "inspect/initrd_diff.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace initpack {

namespace {

struct DiffArgs {
  std::string a, b;
  bool json = false;
  DiffOptions diff;
};

void print_json(const DiffArgs &opts,
                const std::vector<InitrdChange> &changes) {
  nlohmann::ordered_json j;
  j["a"] = opts.a;
  j["b"] = opts.b;
  j["identical"] = changes.empty();
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

int run_diff(Context &ctx, const DiffArgs &opts) {
  Timer timer(ctx, "diff");
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> a, b;
  std::string err;
  if (!read_initrd(opts.a, &segs, &a, &err) ||
      !read_initrd(opts.b, &segs, &b, &err)) {
    Error(ctx) << err;
    return 2;
  }
  std::vector<InitrdChange> changes = diff_initrds(a, b, opts.diff);
  if (opts.json) {
    print_json(opts, changes);
  } else {
    std::string out;
    for (const InitrdChange &c : changes)
      out += format_change(c) + "\n";
    fwrite(out.data(), 1, out.size(), stdout);
  }
  return changes.empty() ? 0 : 1;
}

} // namespace

void register_diff_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<DiffArgs>();
  CLI::App *cmd = app.add_subcommand(
      "diff", "Compare the files of two initrds (exit 0 same, 1 different)");
  cmd->add_option("a", opts->a, "The first initrd")->required();
  cmd->add_option("b", opts->b, "The second initrd")->required();
  cmd->add_flag("--json", opts->json, "Print the changes as one JSON object");
  cmd->add_flag("--mtime", opts->diff.compare_mtime,
                "Compare modification times too");
  cmd->callback([&ctx, exit_code, opts] { *exit_code = run_diff(ctx, *opts); });
}

} // namespace initpack
