#include "image/crypttab.h"

#include "context.h"
#include "kernel/storage_stack.h"
#include "util/fs.h"

namespace initpack {

void add_host_crypttab(Context &ctx) {
  if (!ctx.config.hostonly)
    return;
  Timer t(ctx, "crypttab");
  const std::string &path = ctx.config.host_crypttab;
  std::string text, err;
  if (!file_exists(path)) {
    Log(ctx) << "hostonly: no " << path << ": no encrypted root";
    return;
  }
  std::vector<CrypttabEntry> all;
  if (!read_file(path, &text, &err) || !parse_crypttab(text, path, &all, &err))
    Fatal(ctx) << "HostCrypttab=" << err;
  RootStorage root;
  if (!read_root_storage(ctx.config.sysfs_root, ctx.config.proc_root, &root,
                         &err)) {
    Log(ctx) << "hostonly: crypttab: " << err;
    return;
  }
  std::vector<CrypttabEntry> entries = root_crypttab_entries(root, all);
  if (entries.empty())
    return;
  std::string out = "# The entries of " + path +
                    " for the root's dm-crypt devices, copied by initpack "
                    "(hostonly).\n";
  for (const CrypttabEntry &e : entries) {
    out += e.line + "\n";
    Log(ctx) << "hostonly: crypttab: " << path << ":" << e.line_number << ": "
             << e.name;
    // A key file on the host's root file system is not there before the
    // root is unlocked: it has to be in the image.
    const std::string &key = e.key_file;
    bool is_path = key.starts_with("/") && !key.starts_with("/dev/");
    if (is_path && !ctx.tree.contains(key.substr(1)))
      Warn(ctx) << path << ":" << e.line_number << ": key file " << key
                << " of " << e.name
                << " is not in the image; add it with ExtraTrees=, or the "
                   "initrd asks for the passphrase";
  }
  ctx.tree.add_file("etc/crypttab", Content::from_bytes(out), 0600,
                    "hostonly (" + path + ")");
}

} // namespace initpack
