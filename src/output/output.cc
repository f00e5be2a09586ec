#include "output/output.h"

#include "context.h"
#include "output/erofs/image.h"
#include "output/extension.h"
#include "output/initrd.h"
#include "output/uki.h"
#include "util/fs.h"

#include <unistd.h>

namespace initpack {

void check_image_format(Context &ctx) {
  Format format = ctx.config.format;
  if (format == Format::Erofs)
    check_erofs_output(ctx);
  if (is_extension_format(format))
    check_extension_output(ctx);
  // Found now rather than after a minute of downloads.
  std::string dir = dirname(ctx.config.output);
  if (!is_directory(dir))
    Fatal(ctx) << "Output=" << ctx.config.output << ": directory " << dir
               << " does not exist";
  if (access(dir.c_str(), W_OK) != 0)
    Fatal(ctx) << "Output=" << ctx.config.output << ": cannot write to " << dir
               << ": " << errno_string();
}

void write_image(Context &ctx, const EarlyCpio *early) {
  check_image_format(ctx);
  switch (ctx.config.format) {
  case Format::Uki:
    return write_uki(ctx, early);
  case Format::Erofs:
    return write_erofs_output(ctx, early);
  case Format::Sysext:
  case Format::Confext:
    return write_extension(ctx);
  case Format::Cpio:
    return write_initrd(ctx, ctx.tree, ctx.config.output, early);
  }
}

} // namespace initpack
