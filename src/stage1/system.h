// The kernel-facing steps of stage 1 (system.cc): modules, block devices,
// loop and device-mapper ioctls, mounts, copying. Each returns false with
// *err set; main.cc decides what a failure means.
#pragma once

#include "stage1/stage1.h"

#include <string>
#include <sys/types.h>

namespace initpack::stage1 {

// Loads each module file (finit_module); already-loaded or absent devices
// (EEXIST, ENODEV) are fine. Reports other failures in *warnings and goes
// on: a module that mattered shows up as a missing device later.
void load_modules(const std::string &dir, const std::vector<std::string> &files,
                  std::string *warnings);

// The block device a spec names ("/dev/vdb", "LABEL=x", "PARTLABEL=y"),
// waiting up to `timeout_seconds` for it to appear. Returns its /dev path.
bool find_device(const std::string &spec, int timeout_seconds,
                 std::string *dev_path, std::string *err);

bool read_block(const std::string &path, uint64_t offset, std::string *out,
                std::string *err); // 4096 bytes

// Attaches `file` read-only to a free loop device (autoclear, direct I/O
// where the backing file system supports it). Returns /dev/loopN.
bool attach_loop(const std::string &file, std::string *dev_path,
                 std::string *err);

// Creates the dm-verity device `name` over `dev` (data and hash area on the
// same device, hash area at `hash_offset`), read-only. A block that fails
// verification is an I/O error, or with `panic` a kernel panic
// (panic_on_corruption). Returns the path of a block node for it.
bool create_verity_device(const std::string &name, const std::string &dev,
                          uint64_t hash_offset, const VeritySuper &sb,
                          const std::string &roothash, bool panic,
                          std::string *node, std::string *err);

// Swaps the live table of `name` (made by create_verity_device without
// `panic`) for the same one with panic_on_corruption: stage 1 probes the
// image with I/O errors it can report, stage 2 runs with panics.
bool arm_verity_panic(const std::string &name, const std::string &dev,
                      uint64_t hash_offset, const VeritySuper &sb,
                      const std::string &roothash, std::string *err);

// Copies `src` to `dst`, directories recursively (into an existing
// directory too): modes, owners, mtimes, symlinks, device nodes and
// fifos. An existing non-directory at a destination is replaced.
bool copy_path(const std::string &src, const std::string &dst,
               std::string *err);
bool copy_tree(const std::string &src, const std::string &dst,
               std::string *err); // the entries of src into dst

bool mkdir_p(const std::string &path, mode_t mode, std::string *err);

} // namespace initpack::stage1
