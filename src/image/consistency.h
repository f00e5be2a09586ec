// The build-time consistency check: can the image run what it holds?
//
// Over the final tree, it collects every reference from one file to a
// program or library another must provide, and resolves each inside the
// image the way the kernel, ld.so, systemd and udev would:
//   - an ELF's PT_INTERP and DT_NEEDED (RUNPATH/RPATH with $ORIGIN, the
//     image's ld.so.conf, the multiarch and lib64 directories, merged-/usr
//     links followed);
//   - an executable script's "#!" interpreter (and the command of
//     "#!/usr/bin/env CMD");
//   - each unit's Exec*= program (prefixes "-@:+!" stripped; a bare name
//     searched in systemd's PATH) and each *.wants/ or *.requires/ link;
//   - each udev rule's RUN, PROGRAM and IMPORT{program} program (a relative
//     name lives in /usr/lib/udev);
//   - each generator.
// What does not resolve is an error naming the file, the line, who shipped
// it and what is missing; --explain lists every reference.
//
// The same references tell what a host binary needs (copying one into an
// image) and which files nothing reaches (pruning): one mechanism.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;
class Tree;

// Where an image keeps what the check resolves; pruning (image/prune.h)
// walks the same places. Paths are the tree's (relative, normalised).
// systemd's PATH, merged /usr or not: usr/local/sbin … bin.
inline constexpr const char *kProgramDirs[] = {
    "usr/local/sbin", "usr/local/bin", "usr/sbin", "usr/bin", "sbin", "bin"};
// ld.so's default directories for 64- and 32-bit ELFs (after RUNPATH and
// the image's ld.so.conf).
inline constexpr const char *kLibDirs64[] = {"lib/x86_64-linux-gnu",
                                             "usr/lib/x86_64-linux-gnu",
                                             "lib64",
                                             "usr/lib64",
                                             "lib",
                                             "usr/lib"};
inline constexpr const char *kLibDirs32[] = {"lib/i386-linux-gnu",
                                             "usr/lib/i386-linux-gnu",
                                             "lib32",
                                             "usr/lib32",
                                             "lib",
                                             "usr/lib"};
bool is_program_dir(std::string_view dir);
bool is_library_dir(std::string_view dir); // either class's
// A unit or a unit drop-in (usr/lib/systemd/system/…, etc/systemd/system/…).
bool is_unit_path(std::string_view path);
// A udev rules file (…/udev/rules.d/*.rules).
bool is_udev_rules_path(std::string_view path);
// Kernel modules and firmware: loaded by the kernel, never run.
bool is_kernel_data(std::string_view path);

struct Reference {
  std::string from; // image path of the referencing file
  int line = 0;     // in a unit or a rule, else 0
  std::string kind; // "interpreter", "library", "#!", "ExecStart=", "RUN", …
  std::string target;   // as written: "/bin/sh", "libc.so.6", "hwclock-set"
  std::string resolved; // image path it resolves to; empty when missing
  std::string problem;  // why it does not work, when it does not
};

struct ConsistencyReport {
  std::vector<Reference> refs; // sorted by (from, line)
  size_t files_scanned = 0;
  size_t missing() const;
};

// The check itself, in memory: reads the files' contents as needed.
ConsistencyReport check_consistency(const Tree &tree);

// "usr/lib/udev/hwclock-set (util-linux): #! interpreter /bin/sh: not in
// the image"
std::string describe_problem(const Tree &tree, const Reference &ref);

// --explain: one line per referencing file and kind.
std::string explain_references(const Tree &tree,
                               const ConsistencyReport &report);

// The pass: an Error per unresolved reference, then a checkpoint; with
// --explain, the references first.
void check_image_consistency(Context &ctx);

} // namespace initpack
