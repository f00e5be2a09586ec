#include "image/initrd_setup.h"
#include "util/strings.h"

#include "context.h"
#include "image/materialize.h"
#include "image/tmpfiles.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/subprocess.h"
#include "util/verified_file.h"

#include <functional>
#include <sys/utsname.h>
#include <unistd.h>

namespace initpack {

static const std::string kOrigin = "initpack:setup";

static std::string read_entry(Context &ctx, const std::string &path) {
  std::string resolved, data, err;
  const Entry *e = nullptr;
  if (ctx.tree.resolve(path, true, &resolved, &err))
    e = ctx.tree.find(resolved);
  if (!e || e->inode->type != NodeType::File)
    return "";
  if (!e->inode->content->read(&data, &err))
    Fatal(ctx) << "cannot read " << path << " of the image: " << err;
  return data;
}

void setup_initrd_basics(Context &ctx) {
  Timer t(ctx, "initrd basics");
  Tree &tree = ctx.tree;
  std::string systemd, err;
  if (!tree.resolve("usr/lib/systemd/systemd", true, &systemd, &err) ||
      !tree.contains(systemd))
    Fatal(ctx) << "the image has no usr/lib/systemd/systemd: is the systemd "
                  "package in Packages= (profile default)?";
  tree.add_symlink("init", "usr/lib/systemd/systemd", kOrigin);

  // systemd decides it runs in an initrd by the existence of this file, and
  // reads it instead of os-release there.
  std::string release = read_entry(ctx, "usr/lib/os-release");
  if (release.empty())
    release = read_entry(ctx, "etc/os-release");
  if (!release.empty() && release.back() != '\n')
    release += '\n';
  if (release.find("VARIANT_ID=") == std::string::npos)
    release += "VARIANT=\"initrd (initpack)\"\nVARIANT_ID=initrd\n";
  tree.add_file("etc/initrd-release", Content::from_bytes(release), 0644,
                kOrigin);

  // Empty: the initrd has no identity of its own; systemd treats an empty
  // machine-id as "not yet initialised" and the real root brings its own.
  tree.add_file("etc/machine-id", Content::from_bytes(""), 0444, kOrigin);
  // No fstab: the fstab generator reads root= from the command line.
  tree.add_file("etc/fstab", Content::from_bytes(""), 0644, kOrigin);

  // base-files ships /var/run and /var/lock as directories; its postinst
  // turns them into links to /run and /run/lock. Clients that still use
  // the old paths need the links: libdbus and GDBus connect to
  // /var/run/dbus/system_bus_socket. Whatever a package put below them
  // would be hidden by the tmpfs on /run anyway.
  for (auto [old_dir, target] :
       {std::pair{"var/run", "/run"}, std::pair{"var/lock", "/run/lock"}}) {
    const Entry *e = tree.find(old_dir);
    if (e && e->inode->type == NodeType::Symlink)
      continue;
    tree.remove(old_dir);
    tree.add_symlink(old_dir, target, "base-files postinst");
  }
}

// One line, when it describes content of the image rather than of a boot:
// a directory or a symlink outside the runtime file systems, with a path
// that names no machine.
static void apply_static_line(Context &ctx, const TmpfilesLine &l,
                              const std::string &file) {
  bool runtime = l.needs_machine;
  for (const char *skip : {"/run", "/tmp", "/dev", "/proc", "/sys"})
    if (l.path == skip || l.path.starts_with(std::string(skip) + "/"))
      runtime = true;
  std::string rel;
  if (runtime || !Tree::normalize(l.path, &rel))
    return;
  if ((l.type == 'd' || l.type == 'D') && l.modifiers.empty() &&
      !ctx.tree.contains(rel)) {
    uint32_t m = 0755;
    if (l.mode != "-")
      m = std::stoul(l.mode.substr(l.mode[0] == '~' || l.mode[0] == ':'),
                     nullptr, 8);
    ctx.tree.add_dir(rel, m, "tmpfiles:" + file);
  } else if (l.type == 'L' && !l.argument.empty() &&
             (l.modifiers == "+" ||
              (l.modifiers.empty() && !ctx.tree.contains(rel)))) {
    ctx.tree.add_symlink(rel, l.argument, "tmpfiles:" + file);
  }
}

void apply_static_tmpfiles(Context &ctx) {
  Timer t(ctx, "static tmpfiles");
  for (const char *dir : {"usr/lib/tmpfiles.d/", "etc/tmpfiles.d/"}) {
    std::string prefix = dir;
    std::vector<std::string> files;
    for (auto it = ctx.tree.entries().lower_bound(prefix);
         it != ctx.tree.entries().end() && it->first.starts_with(prefix); ++it)
      if (it->first.ends_with(".conf"))
        files.push_back(it->first);
    for (const std::string &file : files) {
      std::vector<TmpfilesLine> lines;
      std::string err;
      if (!parse_tmpfiles(read_entry(ctx, file), file, &lines, &err))
        Fatal(ctx) << err;
      for (const TmpfilesLine &l : lines)
        apply_static_line(ctx, l, file);
    }
  }
}

// Outputs of tools (ld.so.cache, hwdb.bin) depend only on their inputs, so
// they are cached under a key hashed from those inputs: a warm build
// doesn't run the tool at all.
static bool tree_digest(Context &ctx,
                        const std::function<bool(const std::string &)> &want,
                        Sha256 *h) {
  for (const auto &[path, e] : ctx.tree.entries()) {
    if (!want(path))
      continue;
    h->update(path);
    h->update("\0", 1);
    const Inode &ino = *e.inode;
    if (ino.type == NodeType::Symlink)
      h->update("L" + ino.symlink_target);
    else if (ino.type == NodeType::File) {
      std::string sha, err;
      if (!content_sha256(*ino.content, &sha, &err))
        Fatal(ctx) << err;
      h->update("F" + sha);
    } else {
      h->update("D");
    }
    h->update("\n", 1);
  }
  return true;
}

// Runs `tool` on the materialised subset of the tree chosen by `want` and
// adds the file it produced (`output`, a tree path); or takes that file
// from the cache when the same inputs were seen before.
static void derive_file(
    Context &ctx, const std::string &kind,
    const std::function<bool(const std::string &)> &want,
    const std::string &output,
    const std::function<std::vector<std::string>(const std::string &root)>
        &tool) {
  Sha256 h;
  h.update(kind + "-v2\n");
  tree_digest(ctx, want, &h);
  // The cache is verified, not trusted (util/verified_file.h): an edited
  // or damaged entry is built again rather than put in the image.
  std::string cached = cache_root(ctx) + "/derived/" + kind + "-" + h.hex();
  CachedOutput out = cached_or_made(cached, [&] {
    std::string data, err;
    TempDir tmp("initpack-" + kind);
    if (ctx.keep_temp)
      tmp.keep();
    if (!materialize(ctx.tree, tmp.path(), want, &err))
      Fatal(ctx) << kind << ": " << err;
    std::vector<std::string> argv = tool(tmp.path());
    RunResult r = run_command(ctx.diag, argv);
    if (!r.ok())
      Fatal(ctx) << kind << ": " << shell_quote(argv) << " failed (exit "
                 << r.exit_code << "): " << r.err;
    if (!read_file(join_path(tmp.path(), output), &data, &err))
      Fatal(ctx) << kind << ": the tool did not produce " << output << ": "
                 << err;
    return data;
  });
  if (!out.damaged.empty())
    Warn(ctx) << cached << ": " << out.damaged << "; building it again";
  if (out.from_cache)
    Log(ctx) << kind << ": cached " << cached;
  if (!out.store_error.empty())
    Warn(ctx) << "cannot cache " << kind << " output: " << out.store_error;
  ctx.tree.add_file(output, Content::from_bytes(std::move(out.data)), 0644,
                    "initpack:" + kind);
}

static bool is_library_path(const std::string &p) {
  if (p.starts_with("usr/lib/modules") || p.starts_with("usr/lib/firmware") ||
      p.starts_with("usr/lib/systemd/system") || p.starts_with("usr/lib/udev"))
    return false;
  return p == "lib" || p == "lib64" || p.starts_with("usr/lib") ||
         p.starts_with("etc/ld.so.conf");
}

void run_ldconfig(Context &ctx) {
  Timer t(ctx, "ldconfig");
  std::string ldconfig = find_program("ldconfig");
  if (ldconfig.empty())
    Fatal(ctx) << "ldconfig not found (package libc-bin)";
  // -X: only write the cache; the packages ship their soname links.
  derive_file(ctx, "ldconfig", is_library_path, "etc/ld.so.cache",
              [&](const std::string &root) {
                return std::vector<std::string>{ldconfig, "-X", "-r", root};
              });
}

void build_hwdb(Context &ctx) {
  Timer t(ctx, "hwdb");
  std::string tool, err;
  if (!ctx.tree.resolve("usr/bin/systemd-hwdb", true, &tool, &err) ||
      !ctx.tree.contains(tool)) {
    Log(ctx) << "hwdb: no systemd-hwdb in the image, skipped";
    return;
  }
  struct utsname u;
  uname(&u);
  if (std::string(u.machine) != "x86_64" ||
      ctx.config.architecture != "amd64") {
    Warn(ctx) << "Hwdb=yes: cannot run the image's systemd-hwdb on this "
                 "machine; the image has no hwdb.bin";
    return;
  }
  // The image's own systemd-hwdb (the host may have no systemd, or another
  // version with another format), chrooted into just its inputs: hwdb.bin
  // records the path of each source file, and only a chroot makes that
  // /usr/lib/udev/hwdb.d/… instead of the temporary directory's name, so
  // the output is the same on every machine. Without root, a user
  // namespace grants the chroot.
  auto want = [](const std::string &p) {
    return is_library_path(p) || p.starts_with("usr/lib/udev/hwdb.d") ||
           p.starts_with("etc/udev/hwdb.d") || p == "usr/bin/systemd-hwdb" ||
           p == "bin" || p == "usr/bin";
  };
  derive_file(
      ctx, "hwdb", want, "usr/lib/udev/hwdb.bin", [&](const std::string &root) {
        std::vector<std::string> argv;
        if (geteuid() != 0)
          argv = {"unshare", "--user", "--map-root-user", "--"};
        for (const char *a : {"chroot", root.c_str(), "/usr/bin/systemd-hwdb",
                              "update", "--usr"})
          argv.push_back(a);
        return argv;
      });
}

} // namespace initpack
