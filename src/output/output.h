// The output step: the image Tree becomes the file ctx.config.format names.
// A thin switch over the format writers (output/initrd.h, output/uki.h,
// output/erofs/image.h, output/extension.h); none of them includes this.
#pragma once

namespace initpack {

struct Context;
struct EarlyCpio;

// Writes ctx.tree as ctx.config.format (cpio, uki, erofs, sysext or
// confext) to ctx.config.output. The one place a new output format is
// added.
void write_image(Context &ctx, const EarlyCpio *early);
// Fatal, before any work, when write_image cannot write ctx.config.format.
void check_image_format(Context &ctx);

} // namespace initpack
