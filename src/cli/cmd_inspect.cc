// `initpack inspect IMG`: what is in an initrd, like dracut's lsinitrd —
// the segments (offset, compression, sizes), then every entry; or, with
// --json, the same as one JSON object; --cat prints one file, --extract
// writes the tree out. A UKI shows its section table first, then its
// initrd (.ucode + .initrd) the same way; an EROFS image (stage 2, sysext)
// reads as one segment (inspect/erofs_reader.h). An image initpack built ends
// with its manifest (codec/image_manifest.h); --manifest prints only that.
#include "cli/commands.h"
#include "codec/image_manifest.h"
#include "context.h"
#include "inspect/extract.h"
#include "inspect/initrd_diff.h"
#include "inspect/initrd_reader.h"
#include "inspect/uki_inspect.h"
#include "util/fs.h"
#include "util/strings.h"

#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace initpack {

namespace {

struct InspectArgs {
  std::string image;
  bool json = false;
  std::string cat;
  std::string extract;
  bool manifest = false;
};

// The image to list: an initrd read from its file, or a UKI's initrd held
// in memory (uki.sections not empty).
struct Source {
  std::string path;
  UkiContents uki;
};

Source open_source(Context &ctx, const std::string &path) {
  Source src{path, {}};
  char head[4096];
  FILE *f = fopen(path.c_str(), "rb");
  size_t n = f ? fread(head, 1, sizeof head, f) : 0;
  if (f)
    fclose(f);
  if (!looks_like_pe(std::string_view(head, n)))
    return src; // read_initrd names a missing or unreadable file
  std::string bytes, err;
  if (!read_file(path, &bytes, &err) ||
      !read_uki_contents(bytes, &src.uki, &err))
    Fatal(ctx) << path << ": " << err;
  return src;
}

bool read_source(const Source &src, std::vector<InitrdSegment> *segs,
                 std::vector<InitrdEntry> *entries, std::string *err,
                 const InitrdDataFn &on_data = {}) {
  if (src.uki.sections.empty())
    return read_initrd(src.path, segs, entries, err, on_data);
  return read_initrd_bytes(src.uki.initrd, src.path + " (.ucode + .initrd)",
                           segs, entries, err, on_data);
}

void print_uki_sections(const Source &src) {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o,
                 "UKI: {}: {} sections, initrd {} bytes (.ucode + "
                 ".initrd)\n",
                 src.path, src.uki.sections.size(), src.uki.initrd.size());
  fmt::format_to(o, "{:>3} {:<8} {:>10} {:>10} {:<7}  {}\n", "#", "name",
                 "address", "size", "profile", "detail");
  for (size_t i = 0; i < src.uki.sections.size(); i++) {
    const UkiSectionInfo &s = src.uki.sections[i];
    std::string line = fmt::format(
        "{:>3} {:<8} {:>#10x} {:>10} {:<7}  {}", i, s.name, s.address, s.size,
        s.profile < 0 ? "base" : std::to_string(s.profile), s.detail);
    line.erase(line.find_last_not_of(' ') + 1); // no detail, no padding
    out += line + "\n";
  }
  fwrite(out.data(), 1, out.size(), stdout);
}

nlohmann::ordered_json uki_json(const UkiContents &uki) {
  nlohmann::ordered_json sections = nlohmann::ordered_json::array();
  for (const UkiSectionInfo &s : uki.sections) {
    nlohmann::ordered_json x = {
        {"name", s.name}, {"address", s.address}, {"size", s.size}};
    if (s.profile >= 0)
      x["profile"] = s.profile;
    if (!s.detail.empty())
      x["detail"] = s.detail;
    sections.push_back(std::move(x));
  }
  return {{"sections", sections}, {"initrd_size", uki.initrd.size()}};
}

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
                   e.nlink, e.uid, e.gid, size, format_time(e.mtime),
                   escape_name(e.path));
    if (S_ISLNK(e.mode))
      fmt::format_to(o, " -> {}", escape_name(e.link_target));
    else if (!e.hardlink.empty())
      fmt::format_to(o, " (link to {})", escape_name(e.hardlink));
    out += '\n';
    if (out.size() > (1 << 16)) {
      fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  fwrite(out.data(), 1, out.size(), stdout);
}

void print_json(const Source &src, const std::vector<InitrdSegment> &segs,
                const std::vector<InitrdEntry> &entries,
                const nlohmann::ordered_json &manifest) {
  nlohmann::ordered_json j;
  j["image"] = src.path;
  j["manifest"] = manifest;
  if (!src.uki.sections.empty())
    j["uki"] = uki_json(src.uki);
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

int cat_file(Context &ctx, const InspectArgs &opts) {
  Source src = open_source(ctx, opts.image);
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err;
  if (!read_source(src, &segs, &entries, &err))
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
  if (!read_source(src, &segs, &entries, &err, print))
    Fatal(ctx) << err;
  if (!printed)
    Fatal(ctx) << opts.image << ": changed while being read";
  return 0;
}

int extract(Context &ctx, const InspectArgs &opts) {
  Source src = open_source(ctx, opts.image);
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
  if (!read_source(src, &segs, &entries, &err, add))
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

// The manifest as text: a head line, then one line per package.
std::string manifest_text(const ImageManifest &m, const std::string &path) {
  std::string out = fmt::format(
      "Manifest: {}: initpack {}, kernel {}, {}, configuration sha256:{}, "
      "{} packages{}\n",
      path, m.initpack_version, m.kernel.empty() ? "(none)" : m.kernel,
      m.architecture, m.config_sha256, m.packages.size(),
      m.source_date_epoch
          ? ", SOURCE_DATE_EPOCH " + std::to_string(*m.source_date_epoch)
          : "");
  for (const ManifestPackage &p : m.packages)
    out +=
        fmt::format("  {:<32} {:<28} {}\n", p.name, p.version, p.architecture);
  return out;
}

// The image's manifest, when it has one: its bytes in *text, parsed in *m.
// A manifest that does not parse is reported and otherwise ignored (the
// listing still works); --manifest makes its absence an error.
bool find_manifest(Context &ctx, const InspectArgs &opts,
                   const std::string &text, const std::string &path,
                   ImageManifest *m) {
  std::string err;
  if (text.empty()) {
    if (opts.manifest)
      Fatal(ctx) << opts.image << ": no manifest (" << kImageManifestPath
                 << "): not an image initpack built";
    return false;
  }
  if (parse_image_manifest(text, m, &err))
    return true;
  if (opts.manifest)
    Fatal(ctx) << opts.image << ": " << path << ": " << err;
  Warn(ctx) << opts.image << ": " << path << ": " << err;
  return false;
}

int inspect(Context &ctx, const InspectArgs &opts) {
  Timer timer(ctx, "inspect");
  if (!opts.cat.empty())
    return cat_file(ctx, opts);
  if (!opts.extract.empty())
    return extract(ctx, opts);
  Source src = open_source(ctx, opts.image);
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err, text, manifest_path;
  auto keep_manifest = [&](const InitrdEntry &e, std::string_view data) {
    if (is_image_manifest_path(e.path) && S_ISREG(e.mode)) {
      text = data;
      manifest_path = e.path;
    }
  };
  if (!read_source(src, &segs, &entries, &err, keep_manifest))
    Fatal(ctx) << err;
  ImageManifest m;
  bool has_manifest = find_manifest(ctx, opts, text, manifest_path, &m);
  if (opts.manifest) {
    // JSON: the stored bytes as they are (deterministic, sorted).
    std::string out = opts.json ? text : manifest_text(m, manifest_path);
    fwrite(out.data(), 1, out.size(), stdout);
  } else if (opts.json) {
    print_json(src, segs, entries,
               has_manifest ? nlohmann::ordered_json::parse(text)
                            : nlohmann::ordered_json());
  } else {
    if (!src.uki.sections.empty())
      print_uki_sections(src);
    print_listing(src.path, segs, entries);
    if (has_manifest) {
      std::string out = manifest_text(m, manifest_path);
      fwrite(out.data(), 1, out.size(), stdout);
    }
  }
  return 0;
}

} // namespace

void register_inspect_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<InspectArgs>();
  CLI::App *cmd = app.add_subcommand(
      "inspect", "List an initrd's segments and files, like lsinitrd (a "
                 "UKI: its sections, then its initrd)");
  cmd->add_option("image", opts->image,
                  "The initrd, UKI or EROFS image (stage 2, sysext) to read")
      ->required();
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
  auto *manifest = cmd->add_flag(
      "--manifest", opts->manifest,
      "Print only the image's manifest: the packages and versions it was "
      "built from, its kernel, initpack's version and the configuration's "
      "hash (with --json: the manifest as stored)");
  cat->excludes(json)->excludes(ext)->excludes(manifest);
  ext->excludes(json)->excludes(manifest);
  cmd->callback([&ctx, exit_code, opts] { *exit_code = inspect(ctx, *opts); });
}

} // namespace initpack
