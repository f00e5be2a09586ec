// What turns a pile of unpacked packages into a systemd initrd, replacing
// what maintainer scripts and dracut's modules would do, declaratively:
// /init, /etc/initrd-release (systemd's "am I in the initrd?" test), an
// empty machine-id, static tmpfiles.d entries, ld.so.cache and hwdb.bin.
#pragma once

namespace initpack {

struct Context;

void setup_initrd_basics(Context &ctx);
// tmpfiles.d lines that describe static content (d, D, L, L+ outside /run,
// /tmp, /dev, /proc, /sys, naming no machine); the rest happens at boot.
// Every line is parsed (image/tmpfiles.h): unknown syntax stops the build.
void apply_static_tmpfiles(Context &ctx);
void run_ldconfig(Context &ctx);
void build_hwdb(Context &ctx);

} // namespace initpack
