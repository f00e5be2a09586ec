// Format=erofs in `initpack build` (output.cc dispatches here): the image
// Tree as an EROFS file with a dm-verity tree, alone or, with Stage1=, as
// the second stage behind a small first-stage initrd (stage1/stage1.h).
#pragma once

#include "image/tree.h"
#include "output/erofs/erofs.h"
#include "output/verity.h"

#include <string>

namespace initpack {

struct Context;
struct EarlyCpio;

// Fatal, before any work, when the Format=erofs settings cannot work
// (compression the kernel's EROFS cannot read, a missing stage-1 binary, a
// label too long for the superblock, …).
void check_erofs_output(Context &ctx);

// What every EROFS image (erofs, sysext, confext) takes from the
// configuration: the resolved compression (LZ4 clusters, LZ4HC from level
// 3 up; none stores plain blocks), SOURCE_DATE_EPOCH as every mtime, and
// the threads.
ErofsOptions erofs_encoding_options(Context &ctx);

// Writes ctx.tree: Output= is the EROFS image (+ Output.roothash), or with
// Stage1= the first-stage initrd, with the image at Stage2Output= (or
// inside the initrd for Stage2Location=initrd).
void write_erofs_output(Context &ctx, const EarlyCpio *early);

// ---- Shared with stage1_initrd.cc -----------------------------------------

// The first-stage initrd's tree: /init (initpack-stage1), the modules it
// loads and its configuration; `embedded_image` (a file path, or "") is
// added as the in-initrd stage-2 image.
Tree stage1_tree(Context &ctx, const std::string &roothash,
                 const std::string &embedded_image);

// Where initpack-stage1 is: $INITPACK_STAGE1, the build tree's, or the
// installed one. Fatal when none exists.
std::string find_stage1_binary(Context &ctx);

} // namespace initpack
