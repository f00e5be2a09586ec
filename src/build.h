// `initpack build`: the whole pipeline, one pass after another.
#pragma once

namespace initpack {

struct Context;

// Builds the image ctx.config describes (ctx.config must be loaded).
void build_image(Context &ctx);

} // namespace initpack
