// Format=sysext / confext (extension.h): the layout rules, the
// extension-release file, and the image with its verity sidecars.
//
// What systemd-sysext checks (systemd 252, src/shared/extension-release.c):
// the image must hold extension-release.NAME for the NAME it was found
// under; its ID= must equal the host's (or be "_any" on newer systemd),
// then SYSEXT_LEVEL= is compared when both sides have one, else
// VERSION_ID=. An image with files outside /usr and /opt merges only
// those two trees, so such files would silently vanish: they are an error
// here instead.
#include "output/extension.h"

#include "context.h"
#include "image/record_manifest.h"
#include "output/erofs/image.h"
#include "output/initrd.h"
#include "output/roothash_sig.h"
#include "output/verity.h"
#include "util/fs.h"
#include "util/parallel.h"
#include "util/timer.h"

#include <fmt/format.h>
#include <set>
#include <unistd.h>

namespace initpack {

namespace {

bool is_key(std::string_view key) {
  if (key.empty())
    return false;
  for (char c : key)
    if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_')
      return false;
  return true;
}

std::string unquote(std::string_view v) {
  if (v.size() < 2 || (v[0] != '"' && v[0] != '\'') || v.back() != v[0])
    return std::string(v);
  std::string out;
  bool dq = v[0] == '"';
  for (size_t i = 1; i + 1 < v.size(); i++) {
    if (dq && v[i] == '\\' && i + 2 < v.size())
      i++;
    out += v[i];
  }
  return out;
}

std::string quote(const std::string &v) {
  bool plain = !v.empty();
  for (char c : v)
    if (!isalnum(static_cast<unsigned char>(c)) && !strchr("._-+:/,@", c))
      plain = false;
  if (plain)
    return v;
  std::string out = "\"";
  for (char c : v) {
    if (strchr("\"\\$`", c))
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::map<std::string, std::string> host_os_release() {
  for (const char *path : {"/etc/os-release", "/usr/lib/os-release"}) {
    std::string text, err;
    if (read_file(path, &text, &err))
      return parse_os_release(text);
  }
  return {};
}

// Names the host's os-release to take VERSION_ID= from only when the image
// is for the host's own release (Release= empty or the host's codename).
std::map<std::string, std::string> default_fields(Context &ctx) {
  std::map<std::string, std::string> host = host_os_release();
  const std::string &release = ctx.config.release;
  if (!release.empty() && release != host["VERSION_CODENAME"])
    host.erase("VERSION_ID");
  return host;
}

ErofsOptions extension_erofs_options(Context &ctx, const std::string &name) {
  ErofsOptions o = erofs_encoding_options(ctx);
  o.volume_name = name.substr(0, 16);
  return o;
}

void write_text_file(Context &ctx, const std::string &path,
                     const std::string &text) {
  AtomicFile f;
  std::string err;
  if (!f.open(path, &err) || !f.write(text.data(), text.size(), &err) ||
      !f.commit(&err))
    Fatal(ctx) << err;
}

std::string sidecar(const std::string &output, const char *suffix) {
  return output.substr(0, output.size() - 4) + suffix;
}

} // namespace

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string_view::npos)
      continue;
    out[std::string(line.substr(0, eq))] = unquote(line.substr(eq + 1));
  }
  return out;
}

std::string
extension_release_text(const std::map<std::string, std::string> &fields) {
  std::string out;
  for (const auto &[key, value] : fields)
    out += key + "=" + quote(value) + "\n";
  return out;
}

bool extension_release_fields(const std::vector<std::string> &entries,
                              const std::map<std::string, std::string> &host,
                              std::map<std::string, std::string> *out,
                              std::string *err) {
  out->clear();
  for (const std::string &entry : entries) {
    size_t eq = entry.find('=');
    std::string key = entry.substr(0, eq);
    if (eq == std::string::npos || !is_key(key)) {
      *err = "ExtensionRelease=" + entry +
             ": not KEY=VALUE with KEY of A-Z, 0-9 and _";
      return false;
    }
    if (entry.find('\n') != std::string::npos) {
      *err = "ExtensionRelease=" + key + ": a value cannot span lines";
      return false;
    }
    (*out)[key] = entry.substr(eq + 1);
  }
  for (const char *key : {"ID", "VERSION_ID"}) {
    auto it = host.find(key);
    if (!out->count(key) && it != host.end() && !it->second.empty())
      (*out)[key] = it->second;
  }
  if (!out->count("ID") || (*out)["ID"].empty()) {
    *err = "ExtensionRelease=: no ID= given and none in the host's "
           "os-release; set e.g. ExtensionRelease=ID=debian";
    return false;
  }
  if (!out->count("VERSION_ID") && !out->count("SYSEXT_LEVEL") &&
      !out->count("CONFEXT_LEVEL")) {
    *err = "ExtensionRelease=: no VERSION_ID= (the host's is for another "
           "Release=) and no SYSEXT_LEVEL=; set one of them";
    return false;
  }
  return true;
}

bool extension_name(const std::string &output, std::string *name,
                    std::string *err) {
  std::string base = output.substr(output.rfind('/') + 1);
  if (!base.ends_with(".raw") || base.size() == 4) {
    *err = "Output=" + output +
           ": an extension image must be named NAME.raw (systemd-sysext "
           "finds images and their .verity/.roothash files by that suffix)";
    return false;
  }
  *name = base.substr(0, base.size() - 4);
  // systemd >= 256 names NAME.sysext.raw and NAME.confext.raw "NAME" (the
  // class suffix tells systemd-stub where to pass an image), and looks for
  // extension-release.NAME inside.
  for (std::string_view cls : {".sysext", ".confext"})
    if (name->size() > cls.size() && name->ends_with(cls))
      name->resize(name->size() - cls.size());
  return true;
}

void prune_extension_tree(Tree &tree, bool confext,
                          std::vector<std::string> *outside) {
  std::set<std::string, std::less<>> tops =
      confext ? std::set<std::string, std::less<>>{"etc"}
              : std::set<std::string, std::less<>>{"usr", "opt"};
  auto top_of = [](std::string_view p) { return p.substr(0, p.find('/')); };
  std::vector<std::string> drop;
  std::set<std::string> used_dirs; // outside dirs with something below
  for (const auto &[path, entry] : tree.entries()) {
    if (path.empty() || tops.count(top_of(path)))
      continue;
    const Inode &inode = *entry.inode;
    bool usr_link = path.find('/') == std::string::npos &&
                    inode.type == NodeType::Symlink &&
                    inode.symlink_target.starts_with("usr/");
    if (usr_link || inode.type == NodeType::Dir) {
      drop.push_back(path);
      continue;
    }
    outside->push_back("/" + path + " (" + entry.origin + ")");
    for (size_t s = path.find('/'); s != std::string::npos;
         s = path.find('/', s + 1))
      used_dirs.insert(path.substr(0, s));
  }
  // Only empty directories go silently; the files make the error.
  for (const std::string &path : drop)
    if (!used_dirs.count(path))
      tree.remove(path);
}

void check_extension_output(Context &ctx) {
  std::string name, err;
  if (!extension_name(ctx.config.output, &name, &err))
    Fatal(ctx) << err;
  std::map<std::string, std::string> fields;
  if (!extension_release_fields(ctx.config.extension_release,
                                default_fields(ctx), &fields, &err))
    Fatal(ctx) << err;
  const Config &c = ctx.config;
  if (c.microcode)
    Fatal(ctx) << "Microcode= has no place in Format=" << format_name(c.format);
  // The signed root hash (NAME.roothash.p7s) is made with a PEM key here.
  if (!c.secure_boot_key.empty() &&
      (!c.verity || c.secure_boot_certificate.empty() ||
       c.secure_boot_key.starts_with("pkcs11:")))
    Fatal(ctx) << "SecureBootKey=" << c.secure_boot_key
               << ": Format=" << format_name(c.format)
               << " signs the root hash with a PEM key file, and needs "
                  "Verity= and SecureBootCertificate=";
}

void write_extension(Context &ctx) {
  const Config &c = ctx.config;
  bool confext = c.format == Format::Confext;
  std::string name, err;
  if (!extension_name(c.output, &name, &err))
    Fatal(ctx) << err;

  // Only the extension's own trees.
  std::vector<std::string> outside;
  prune_extension_tree(ctx.tree, confext, &outside);
  for (size_t i = 0; i < outside.size() && i < 20; i++)
    Error(ctx) << "Format=" << format_name(c.format) << ": " << outside[i]
               << " is outside " << (confext ? "/etc" : "/usr and /opt")
               << ", which is all systemd merges; drop it with RemoveFiles=";
  if (outside.size() > 20)
    Error(ctx) << "… and " << outside.size() - 20 << " more";
  checkpoint(ctx);

  // The release file systemd matches against the host's os-release.
  std::map<std::string, std::string> fields;
  if (!extension_release_fields(c.extension_release, default_fields(ctx),
                                &fields, &err))
    Fatal(ctx) << err;
  std::string dir =
      confext ? "etc/extension-release.d/" : "usr/lib/extension-release.d/";
  ctx.tree.add_file(dir + "extension-release." + name,
                    Content::from_bytes(extension_release_text(fields)), 0644,
                    "initpack:extension-release");
  // What it was built from, named after the extension: its files overlay
  // the system's, whose own manifest must stay visible.
  add_image_manifest(ctx, extension_manifest_path(confext, name));

  // The image, then its hash tree in NAME.verity.
  AtomicFile image;
  if (!image.open(c.output, &err))
    Fatal(ctx) << err;
  ErofsResult result;
  {
    Timer t(ctx, "write erofs");
    if (!write_erofs(ctx.tree, image.fd(), extension_erofs_options(ctx, name),
                     &result, &err))
      Fatal(ctx) << "cannot write " << c.output << ": " << err;
  }
  VerityInfo verity;
  AtomicFile hash;
  if (c.verity) {
    Timer t(ctx, "verity");
    std::string hash_path = sidecar(c.output, ".verity");
    if (!hash.open(hash_path, &err) ||
        !write_verity(image.fd(), result.size, hash.fd(), 0, {}, &verity, &err))
      Fatal(ctx) << "cannot write " << hash_path << ": " << err;
  }
  // Signed before anything is committed: a bad key leaves no image.
  std::string sig;
  if (c.verity && !c.secure_boot_key.empty() &&
      !sign_root_hash(verity.root_hash, c.secure_boot_key,
                      c.secure_boot_certificate, &sig, &err))
    Fatal(ctx) << "SecureBootKey=: " << err;
  if (!image.commit(&err) || (c.verity && !hash.commit(&err)))
    Fatal(ctx) << err;
  if (c.verity)
    write_text_file(ctx, sidecar(c.output, ".roothash"),
                    verity.root_hash + "\n");
  if (!sig.empty())
    write_text_file(ctx, sidecar(c.output, ".roothash.p7s"), sig);
  if (!ctx.diag.quiet)
    fmt::print(stderr, "{}: {} {}, {} bytes, {} inodes{}\n", c.output,
               format_name(c.format), name, result.size, result.inodes,
               c.verity ? ", root hash " + verity.root_hash : "");
}

} // namespace initpack
