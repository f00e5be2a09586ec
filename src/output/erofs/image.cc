// Format=erofs (image.h): options from the configuration, the image and
// its hash tree, and the two-stage layout around them.
#include "output/erofs/image.h"

#include "context.h"
#include "output/cpio_writer.h"
#include "output/initrd.h"
#include "util/fs.h"
#include "util/parallel.h"
#include "util/timer.h"

#include <fmt/format.h>
#include <unistd.h>

namespace initpack {

ErofsOptions erofs_encoding_options(Context &ctx) {
  ErofsOptions o;
  const Encoding &e = ctx.config.encoding;
  if (e.compression == Compression::Lz4) {
    o.compression =
        e.level >= 3 ? ErofsCompression::Lz4hc : ErofsCompression::Lz4;
    o.lz4hc_level = e.level;
  }
  std::string err;
  if (!source_date_epoch(ctx, &o.mtime, &err))
    Fatal(ctx) << err;
  o.threads = int(default_threads());
  return o;
}

namespace {

ErofsOptions erofs_options(Context &ctx) {
  ErofsOptions o = erofs_encoding_options(ctx);
  const std::string &loc = ctx.config.stage2_location;
  if (ctx.config.stage1 && loc.starts_with("LABEL=") &&
      loc.find(":/") == std::string::npos)
    o.volume_name = loc.substr(6); // how stage 1 finds the device
  else
    o.volume_name = "initpack";
  return o;
}

std::string stage2_path(const Context &ctx) {
  return ctx.config.stage2_output.empty() ? ctx.config.output + ".erofs"
                                          : ctx.config.stage2_output;
}

// The image at file.fd(), then its hash tree when Verity= is on.
void write_image_file(Context &ctx, int fd, const std::string &name,
                      VerityInfo *verity) {
  ErofsOptions opts = erofs_options(ctx);
  ErofsResult result;
  std::string err;
  {
    Timer t(ctx, "write erofs");
    if (!write_erofs(ctx.tree, fd, opts, &result, &err))
      Fatal(ctx) << "cannot write " << name << ": " << err;
  }
  Log(ctx) << fmt::format(
      "wrote {}: {} bytes, {} inodes, {} bytes of metadata, {} data blocks, "
      "{} compressed files",
      name, result.size, result.inodes, result.metadata_bytes,
      result.data_blocks, result.compressed_files);
  if (!ctx.config.verity)
    return;
  Timer t(ctx, "verity");
  if (!append_verity(fd, result.size, verity, &err))
    Fatal(ctx) << "cannot write the hash tree of " << name << ": " << err;
  Log(ctx) << "dm-verity root hash of " << name << ": " << verity->root_hash;
}

void write_roothash_file(Context &ctx, const std::string &image,
                         const VerityInfo &verity) {
  AtomicFile f;
  std::string err, text = verity.root_hash + "\n";
  if (!f.open(image + ".roothash", &err) ||
      !f.write(text.data(), text.size(), &err) || !f.commit(&err))
    Fatal(ctx) << err;
}

// The first-stage initrd, uncompressed: it is a few MB, and unpacking an
// uncompressed cpio is a copy.
void write_stage1_initrd(Context &ctx, const Tree &tree, AtomicFile &file,
                         const EarlyCpio *early) {
  Timer t(ctx, "stage 1");
  CpioOptions opts;
  std::string err;
  if (!source_date_epoch(ctx, &opts.mtime, &err))
    Fatal(ctx) << err;
  FdSink sink(file.fd(), file.temp_path());
  if (early && !early->files.empty() &&
      !write_cpio_files(early->files, sink, opts, &err))
    Fatal(ctx) << ctx.config.output << ": early cpio: " << err;
  if (!write_cpio(tree, sink, opts, &err))
    Fatal(ctx) << "cannot write " << ctx.config.output << ": " << err;
}

} // namespace

void check_erofs_output(Context &ctx) {
  erofs_options(ctx);
  const Config &c = ctx.config;
  const std::string &loc = c.stage2_location;
  if (!c.stage1) {
    if (c.microcode)
      Fatal(ctx) << "Microcode= needs an initrd: use Stage1=yes with "
                    "Format=erofs, or Format=cpio";
    return;
  }
  if (loc.starts_with("LABEL=") && loc.find(":/") == std::string::npos &&
      loc.size() - 6 > 16)
    Fatal(ctx) << "Stage2Location=" << loc
               << ": an EROFS label holds at most 16 bytes";
  if (!c.verity)
    Warn(ctx) << "Stage1= without Verity=: stage 1 mounts the image "
                 "unauthenticated unless initpack.roothash= is given";
  find_stage1_binary(ctx);
  std::string image = stage2_path(ctx);
  if (loc != "initrd" && !is_directory(dirname(image)))
    Fatal(ctx) << "Stage2Output=" << image << ": directory " << dirname(image)
               << " does not exist";
}

void write_erofs_output(Context &ctx, const EarlyCpio *early) {
  const Config &c = ctx.config;
  std::string err;
  VerityInfo verity;
  if (!c.stage1) {
    AtomicFile file;
    if (!file.open(c.output, &err))
      Fatal(ctx) << err;
    write_image_file(ctx, file.fd(), c.output, &verity);
    if (!file.commit(&err))
      Fatal(ctx) << err;
    if (c.verity)
      write_roothash_file(ctx, c.output, verity);
    return;
  }

  // Two stages: the image (a file of its own, or a temporary one that goes
  // inside the initrd), then the initrd that knows its root hash.
  bool embedded = c.stage2_location == "initrd";
  std::string image = stage2_path(ctx);
  TempDir temp("initpack-stage2");
  AtomicFile image_file;
  if (!image_file.open(embedded ? temp.path() + "/stage2.img" : image, &err))
    Fatal(ctx) << err;
  write_image_file(ctx, image_file.fd(), embedded ? "the stage-2 image" : image,
                   &verity);
  Tree stage1 = stage1_tree(ctx, c.verity ? verity.root_hash : "",
                            embedded ? image_file.temp_path() : "");
  AtomicFile initrd;
  if (!initrd.open(c.output, &err))
    Fatal(ctx) << err;
  write_stage1_initrd(ctx, stage1, initrd, early);
  if (!embedded && !image_file.commit(&err))
    Fatal(ctx) << err;
  if (!initrd.commit(&err))
    Fatal(ctx) << err;
  if (!embedded && c.verity)
    write_roothash_file(ctx, image, verity);
  Log(ctx) << "wrote " << c.output << ": stage 1 for the image at "
           << c.stage2_location;
}

} // namespace initpack
