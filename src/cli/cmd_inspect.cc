// `initpack inspect IMG`: what is in an initrd, like dracut's lsinitrd —
// the segments (offset, compression, sizes), then every entry; or, with
// --json, the same as one JSON object; --cat prints one file, --extract
// writes the tree out.
#include "cli/commands.h"
#include "context.h"
#include "output/extract.h"
#include "output/initrd_diff.h"
#include "output/initrd_reader.h"

#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace initpack {

namespace {

struct InspectOptions {
  std::string image;
  bool json = false;
  std::string cat;
  std::string extract;
};

std::string format_time(uint64_t t) {
  time_t tt = time_t(t);
  struct tm tm;
  char buf[32];
  if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm))
    return std::to_string(t);
  return buf;
}

void print_listing(const std::string &image,
                   const std::vector<InitrdSegment> &segs,
                   const std::vector<InitrdEntry> &entries) {
  std::string out;
  auto o = std::back_inserter(out);
  uint64_t end = segs.back().offset + segs.back().compressed_size;
  fmt::format_to(o, "Image: {}: {} segment{}, {} entries, {} bytes\n", image,
                 segs.size(), segs.size() == 1 ? "" : "s", entries.size(), end);
  fmt::format_to(o, "{:>3} {:>10} {:<6} {:>12} {:>12} {:>8} {:>8}  {}\n", "#",
                 "offset", "format", "stored", "unpacked", "archives",
                 "entries", "detail");
  for (size_t i = 0; i < segs.size(); i++) {
    const InitrdSegment &s = segs[i];
    fmt::format_to(o, "{:>3} {:>10} {:<6} {:>12} {:>12} {:>8} {:>8}  {}\n", i,
                   s.offset, s.compression, s.compressed_size,
                   s.uncompressed_size, s.archives, s.entries, s.detail);
  }
  int segment = -1;
  for (const InitrdEntry &e : entries) {
    if (e.segment != segment) {
      segment = e.segment;
      fmt::format_to(o, "======== segment {} ({}) ========\n", segment,
                     segs[segment].compression);
    }
    std::string size = S_ISCHR(e.mode) || S_ISBLK(e.mode)
                           ? fmt::format("{}, {}", e.rdev_major, e.rdev_minor)
                           : std::to_string(e.size);
    fmt::format_to(o, "{} {:>3} {:>5} {:>5} {:>10} {} {}", mode_string(e.mode),
                   e.nlink, e.uid, e.gid, size, format_time(e.mtime), e.path);
    if (S_ISLNK(e.mode))
      fmt::format_to(o, " -> {}", e.link_target);
    else if (!e.hardlink.empty())
      fmt::format_to(o, " (link to {})", e.hardlink);
    out += '\n';
    if (out.size() > (1 << 16)) {
      fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  fwrite(out.data(), 1, out.size(), stdout);
}

void print_json(const std::string &image,
                const std::vector<InitrdSegment> &segs,
                const std::vector<InitrdEntry> &entries) {
  nlohmann::ordered_json j;
  j["image"] = image;
  j["segments"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < segs.size(); i++) {
    const InitrdSegment &s = segs[i];
    j["segments"].push_back({{"index", i},
                             {"offset", s.offset},
                             {"compression", s.compression},
                             {"compressed_size", s.compressed_size},
                             {"uncompressed_size", s.uncompressed_size},
                             {"archives", s.archives},
                             {"entries", s.entries},
                             {"detail", s.detail}});
  }
  j["entries"] = nlohmann::ordered_json::array();
  for (const InitrdEntry &e : entries) {
    nlohmann::ordered_json x = {{"path", e.path},
                                {"type", type_name(e.mode)},
                                {"mode", fmt::format("{:04o}", e.mode & 07777)},
                                {"uid", e.uid},
                                {"gid", e.gid},
                                {"size", e.size},
                                {"mtime", e.mtime},
                                {"nlink", e.nlink},
                                {"segment", e.segment}};
    if (S_ISREG(e.mode))
      x["sha256"] = e.data_sha256;
    if (S_ISLNK(e.mode))
      x["target"] = e.link_target;
    if (!e.hardlink.empty())
      x["hardlink"] = e.hardlink;
    if (S_ISCHR(e.mode) || S_ISBLK(e.mode))
      x["rdev"] = {e.rdev_major, e.rdev_minor};
    if (e.raw_name != e.path)
      x["name"] = e.raw_name;
    j["entries"].push_back(std::move(x));
  }
  std::string s = j.dump(1) + "\n";
  fwrite(s.data(), 1, s.size(), stdout);
}

// Follows the image's own symlinks (e.g. lib -> usr/lib) to the entry the
// kernel would open for `want`; returns its index or -1.
long find_for_cat(const std::vector<InitrdEntry> &entries,
                  const std::string &want, std::string *err) {
  Tree tree;
  for (const InitrdEntry &e : entries) {
    if (e.unsafe_path || e.path == ".")
      continue;
    if (S_ISDIR(e.mode))
      tree.add_dir(e.path);
    else if (S_ISLNK(e.mode))
      tree.add_symlink(e.path, e.link_target);
    else
      tree.add_file(e.path, nullptr);
  }
  std::string resolved;
  if (!tree.resolve(want, true, &resolved, err))
    return -1;
  for (long i = long(entries.size()) - 1; i >= 0; i--)
    if (entries[i].path == resolved) {
      if (!S_ISREG(entries[i].mode)) {
        *err = resolved + " is a " + type_name(entries[i].mode) +
               ", not a regular file";
        return -1;
      }
      return i;
    }
  *err = "no such file: " + want;
  return -1;
}

int cat_file(Context &ctx, const InspectOptions &opts) {
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err;
  if (!read_initrd(opts.image, &segs, &entries, &err))
    Fatal(ctx) << err;
  long want = find_for_cat(entries, opts.cat, &err);
  if (want < 0)
    Fatal(ctx) << opts.image << ": " << err;
  bool printed = false;
  auto print = [&](const InitrdEntry &e, std::string_view data) {
    if (&e - entries.data() == want) {
      fwrite(data.data(), 1, data.size(), stdout);
      printed = true;
    }
  };
  if (!read_initrd(opts.image, &segs, &entries, &err, print))
    Fatal(ctx) << err;
  if (!printed)
    Fatal(ctx) << opts.image << ": changed while being read";
  return 0;
}

int extract(Context &ctx, const InspectOptions &opts) {
  Extractor ex(opts.extract);
  std::string err;
  if (!ex.open(&err))
    Fatal(ctx) << err;
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  auto add = [&](const InitrdEntry &e, std::string_view data) {
    std::string why;
    if (!ex.add(e, data, &why))
      Error(ctx) << opts.image << ": " << why;
  };
  if (!read_initrd(opts.image, &segs, &entries, &err, add))
    Fatal(ctx) << err;
  if (!ex.finish(&err))
    Error(ctx) << opts.extract << ": " << err;
  for (const std::string &w : ex.warnings())
    Warn(ctx) << w;
  checkpoint(ctx);
  Log(ctx) << "extracted " << entries.size() << " entries into "
           << opts.extract;
  return 0;
}

int inspect(Context &ctx, const InspectOptions &opts) {
  Timer timer(ctx, "inspect");
  if (!opts.cat.empty())
    return cat_file(ctx, opts);
  if (!opts.extract.empty())
    return extract(ctx, opts);
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err;
  if (!read_initrd(opts.image, &segs, &entries, &err))
    Fatal(ctx) << err;
  if (opts.json)
    print_json(opts.image, segs, entries);
  else
    print_listing(opts.image, segs, entries);
  return 0;
}

} // namespace

void add_inspect_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App *cmd = app.add_subcommand(
      "inspect", "List an initrd's segments and files, like lsinitrd");
  cmd->add_option("image", opts->image, "The initrd to read")->required();
  auto *json = cmd->add_flag("--json", opts->json,
                             "Print segments and entries as one JSON object");
  auto *cat = cmd->add_option("--cat", opts->cat,
                              "Print the bytes of the file at PATH (following "
                              "the image's symlinks)")
                  ->option_text("PATH");
  auto *ext = cmd->add_option("--extract", opts->extract,
                              "Write the files out below DIR (paths never "
                              "leave DIR; owners kept when run as root)")
                  ->option_text("DIR");
  cat->excludes(json)->excludes(ext);
  ext->excludes(json);
  cmd->callback([&ctx, exit_code, opts] { *exit_code = inspect(ctx, *opts); });
}

} // namespace initpack
