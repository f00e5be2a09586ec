// util/diag.cc: errors accumulate until a checkpoint; Fatal throws.
#include "util/diag.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(Diag, ErrorsAccumulateUntilCheckpoint) {
  struct {
    Diagnostics diag;
  } ctx;
  ctx.diag.quiet = true;
  Error(ctx) << "first";
  Error(ctx) << "second";
  EXPECT_EQ(ctx.diag.error_count, 2);
  EXPECT_THROW(checkpoint(ctx), FatalError);
  try {
    Fatal(ctx) << "cannot open "
               << "x";
    FAIL();
  } catch (const FatalError &e) {
    EXPECT_STREQ(e.what(), "cannot open x");
  }
}
