// A cpio initrd (Format=cpio, and the initrd inside a UKI or in front of an
// EROFS stage 2): the early cpio, then the compressed main archive. The
// format writers build on this file; output/output.h picks among them.
#pragma once

#include "image/microcode.h"
#include "output/cpio_writer.h"

#include <string>
#include <vector>

namespace initpack {

struct Context;

// Uncompressed members placed before the main archive, where the kernel's
// early loaders look for them (CPU microcode under kernel/x86/microcode/).
struct EarlyCpio {
  std::vector<CpioFile> files;
};
// The microcode files as the early cpio's regular files (mode 0644).
EarlyCpio early_cpio(const Microcode &microcode);

// Writes `tree` as an initrd to `path`: the early cpio (uncompressed) when
// given, then the main cpio compressed per ctx.config.compression and
// compression_level, with every mtime set to source_date_epoch() below. Goes
// through a temporary file renamed into place: on failure an existing file at
// `path` is left untouched. Stops the run with Fatal on any error.
void write_initrd(Context &ctx, const Tree &tree, const std::string &path,
                  const EarlyCpio *early = nullptr);

// The same initrd in memory (for a UKI's .initrd section), and the early
// cpio alone (for its .ucode section).
std::string initrd_bytes(Context &ctx, const Tree &tree,
                         const EarlyCpio *early);
std::string early_cpio_bytes(Context &ctx, const EarlyCpio &early);

// The mtime for every member: SourceDateEpoch= (load_config reads
// $SOURCE_DATE_EPOCH into it, config/load.h), else 0. Fails on values a cpio
// header cannot hold.
bool source_date_epoch(const Context &ctx, uint32_t *out, std::string *err);

} // namespace initpack
