#include "config/mkosi.h"

#include "util/fs.h"

#include <algorithm>
#include <map>

namespace initpack {

namespace {

struct KeyRule {
  const char *key;
  MkosiKey::Kind kind;
  const char *text;
};

const char *const kScripts =
    "initpack runs no scripts while building: put the files the script "
    "makes into mkosi.extra/ (or ExtraTrees=) and name units to start in "
    "EnableUnits=";

// Keys of mkosi(1) that initpack's settings table does not declare.
const std::vector<KeyRule> &key_rules() {
  using K = MkosiKey;
  static const std::vector<KeyRule> rules = {
      // The same meaning under another name.
      {"VolatilePackages", K::Alias, "Packages"},
      {"KernelInitrdModules", K::Alias, "KernelModules"},
      {"KernelModulesInitrdInclude", K::Alias, "KernelModulesInclude"},
      {"KernelModulesInitrdExclude", K::Alias, "KernelModulesExclude"},
      {"KernelModulesInitrdIncludeHost", K::Alias, "KernelModulesIncludeHost"},
      {"Include", K::Include, ""},
      // Meaningless for an initrd builder.
      {"ManifestFormat", K::Ignored,
       "initpack writes no mkosi manifest; `initpack inspect --json` lists "
       "the image"},
      {"SplitArtifacts", K::Ignored, "an initrd is a single artifact"},
      {"Bootable", K::Ignored, "an initrd is not a bootable disk image"},
      {"Bootloader", K::Ignored, "an initrd has no boot loader"},
      {"BiosBootloader", K::Ignored, "an initrd has no boot loader"},
      {"ShimBootloader", K::Ignored, "an initrd has no boot loader"},
      {"UnifiedKernelImages", K::Ignored,
       "it configures a disk image's ESP; use Format=uki for a UKI"},
      {"Initrds", K::Ignored, "the image is the initrd"},
      {"InitrdPackages", K::Ignored, "the image is the initrd: use Packages="},
      {"InitrdVolatilePackages", K::Ignored,
       "the image is the initrd: use Packages="},
      {"MakeInitrd", K::Ignored, "the image is an initrd already"},
      {"KernelModulesInitrd", K::Ignored,
       "the image is the initrd: there is no second modules initrd"},
      {"CleanPackageMetadata", K::Ignored,
       "initpack never puts package manager metadata into the image"},
      {"Locale", K::Ignored, "an initrd uses no locale settings"},
      {"LocaleMessages", K::Ignored, "an initrd uses no locale settings"},
      {"Keymap", K::Ignored, "first-boot settings belong to the root"},
      {"Timezone", K::Ignored, "first-boot settings belong to the root"},
      {"Hostname", K::Ignored, "first-boot settings belong to the root"},
      {"RootPassword", K::Ignored, "first-boot settings belong to the root"},
      {"RootShell", K::Ignored, "first-boot settings belong to the root"},
      {"MachineId", K::Ignored, "an initrd has no machine ID of its own"},
      {"WithDocs", K::Ignored,
       "the default profile removes /usr/share/doc and /usr/share/man "
       "(RemoveFiles=)"},
      {"ImageId", K::Ignored, "name the file with Output="},
      {"ImageVersion", K::Ignored, "name the file with Output="},
      {"OutputDirectory", K::Ignored, "give the path in Output= (-o)"},
      {"WorkspaceDirectory", K::Ignored, "initpack uses $TMPDIR"},
      {"BuildDirectory", K::Ignored, "initpack runs no build scripts"},
      {"Incremental", K::Ignored,
       "initpack caches downloaded and unpacked packages always"},
      {"CacheOnly", K::Ignored, "use Offline= (--offline)"},
      {"PackageCacheDirectory", K::Ignored, "use CacheDirectory="},
      {"ToolsTree", K::Ignored, "initpack needs no tools tree"},
      {"ToolsTreeDistribution", K::Ignored, "initpack needs no tools tree"},
      {"ToolsTreeRelease", K::Ignored, "initpack needs no tools tree"},
      {"Checksum", K::Ignored, "initpack writes no SHA256SUMS"},
      {"Sign", K::Ignored, "initpack writes no SHA256SUMS"},
      {"SELinuxRelabel", K::Ignored, "an initrd is not relabelled"},
      {"Ssh", K::Ignored, "it configures `mkosi ssh`"},
      {"WithNetwork", K::Ignored, "initpack runs no build scripts"},
      {"WithTests", K::Ignored, "initpack runs no build scripts"},
      {"MinimumVersion", K::Ignored, "a mkosi version requirement"},
      {"Seed", K::Ignored, "initpack writes no partition table"},
      {"SectorSize", K::Ignored, "initpack writes no partition table"},
      {"RepartOffline", K::Ignored, "initpack writes no partition table"},
      // Cannot be honoured.
      {"BuildPackages", K::Refused,
       "initpack runs no build scripts: build the program elsewhere and add "
       "it with ExtraTrees="},
      {"BuildScripts", K::Refused, kScripts},
      {"PrepareScripts", K::Refused, kScripts},
      {"PostInstallationScripts", K::Refused, kScripts},
      {"FinalizeScripts", K::Refused, kScripts},
      {"PostOutputScripts", K::Refused, kScripts},
      {"ConfigureScripts", K::Refused, kScripts},
      {"SyncScripts", K::Refused, kScripts},
      {"CleanScripts", K::Refused, kScripts},
      {"SkeletonTrees", K::Refused,
       "use ExtraTrees= (copied over the packages' files)"},
      {"BaseTrees", K::Refused, "initpack builds from packages alone"},
      {"PackageManagerTrees", K::Refused,
       "apt configuration comes from Mirror=, Repositories=, Keyring= and "
       "AptRoot="},
      {"SandboxTrees", K::Refused,
       "apt configuration comes from Mirror=, Repositories=, Keyring= and "
       "AptRoot="},
      {"PackageDirectories", K::Refused,
       "serve the .deb files from an apt repository and name it with Mirror= "
       "or AptRoot="},
      {"RepartDirectories", K::Refused, "initpack writes no partition table"},
  };
  return rules;
}

// mkosi's sections whose settings are all about running or hosting mkosi.
const std::map<std::string, std::string, std::less<>> &only_sections() {
  static const std::map<std::string, std::string, std::less<>> m = {
      {"Runtime",
       "it configures `mkosi qemu`/`mkosi boot`; see `initpack qemu`"},
      {"Host", "it configures the machine mkosi runs on"},
      {"Validation", "initpack signs with [Output] SecureBootKey= or "
                     "`initpack sign`"},
  };
  return m;
}

// Files in a configuration directory that initpack cannot honour.
struct FileRule {
  const char *name;
  const char *instead;
};
const FileRule kRefusedFiles[] = {
    {"mkosi.postinst", kScripts},
    {"mkosi.postinst.chroot", kScripts},
    {"mkosi.prepare", kScripts},
    {"mkosi.prepare.chroot", kScripts},
    {"mkosi.build", kScripts},
    {"mkosi.build.chroot", kScripts},
    {"mkosi.finalize", kScripts},
    {"mkosi.finalize.chroot", kScripts},
    {"mkosi.postoutput", kScripts},
    {"mkosi.configure", kScripts},
    {"mkosi.sync", kScripts},
    {"mkosi.clean", kScripts},
    {"mkosi.skeleton", "rename it mkosi.extra/ (copied over the packages)"},
    {"mkosi.skeleton.tar", "unpack it into mkosi.extra/"},
    {"mkosi.extra.tar", "unpack it into mkosi.extra/"},
    {"mkosi.pkgmngr", "apt configuration comes from Mirror=, Repositories=, "
                      "Keyring= and AptRoot="},
    {"mkosi.sandbox", "apt configuration comes from Mirror=, Repositories=, "
                      "Keyring= and AptRoot="},
};

bool read_dir_entries(const std::string &dir, MkosiSink &sink);

void read_profiles(const std::string &dir, MkosiSink &sink) {
  std::string pdir = join_path(dir, "mkosi.profiles");
  if (!is_directory(pdir))
    return;
  for (const std::string &name : sink.profiles()) {
    std::string file = join_path(pdir, name + ".conf");
    std::string sub = join_path(pdir, name);
    if (file_exists(file) && !is_directory(file)) {
      sink.profile_read(name);
      sink.read_file(file);
    } else if (is_directory(sub)) {
      sink.profile_read(name);
      read_dir_entries(sub, sink);
    }
  }
}

void read_dropins(const std::string &dir, MkosiSink &sink) {
  std::string dd = join_path(dir, "mkosi.conf.d");
  if (!is_directory(dd))
    return;
  std::vector<std::string> names = list_dir(dd);
  std::sort(names.begin(), names.end());
  for (const std::string &name : names) {
    std::string p = join_path(dd, name);
    if (name.starts_with('.'))
      continue;
    if (is_directory(p))
      read_dir_entries(p, sink);
    else if (name.ends_with(".conf"))
      sink.read_file(p);
  }
}

bool read_dir_entries(const std::string &dir, MkosiSink &sink) {
  bool found = false;
  for (const FileRule &r : kRefusedFiles)
    if (std::string p = join_path(dir, r.name); file_exists(p))
      sink.error(p + ": mkosi's " + r.name + " is not supported: " + r.instead);
  for (const char *name : {"mkosi.local.conf", "mkosi.conf"}) {
    std::string p = join_path(dir, name);
    if (!file_exists(p) || is_directory(p))
      continue;
    found = true;
    // mkosi.conf's [Match] gates the whole directory.
    if (!sink.read_file(p) && std::string_view(name) == "mkosi.conf")
      return true;
  }
  if (std::string extra = join_path(dir, "mkosi.extra"); is_directory(extra)) {
    found = true;
    sink.extra_tree(extra);
  }
  found |= is_directory(join_path(dir, "mkosi.profiles")) ||
           is_directory(join_path(dir, "mkosi.conf.d"));
  read_profiles(dir, sink);
  read_dropins(dir, sink);
  return found;
}

} // namespace

bool read_mkosi_dir(const std::string &dir, MkosiSink &sink) {
  return read_dir_entries(dir, sink);
}

MkosiKey mkosi_key(std::string_view section, std::string_view key) {
  for (const KeyRule &r : key_rules())
    if (key == r.key)
      return {r.kind, r.text};
  // mkosi keeps the signing keys in [Validation], initpack in [Output].
  if (section == "Validation" &&
      (key == "SecureBootKey" || key == "SecureBootKeySource" ||
       key == "SecureBootCertificate"))
    return {MkosiKey::Alias, std::string(key)};
  if (auto it = only_sections().find(section); it != only_sections().end())
    return {MkosiKey::Ignored, it->second};
  return {};
}

const std::vector<std::string> &mkosi_only_sections() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto &[name, why] : only_sections())
      v.push_back(name);
    return v;
  }();
  return names;
}

std::string mkosi_builtin_include(std::string_view name) {
  if (name == "mkosi-initrd")
    return "initpack's default profile is its counterpart of mkosi's "
           "built-in initrd configuration";
  if (name == "mkosi-vm" || name == "mkosi-tools")
    return "it configures a virtual machine or tools tree, not an initrd";
  return "";
}

} // namespace initpack
