#include "output/output.h"

#include "context.h"
#include "util/fs.h"
#include "util/timer.h"

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

bool source_date_epoch(const Context &ctx, uint32_t *out, std::string *err) {
  int64_t value = 0;
  std::string from = "SourceDateEpoch=";
  if (ctx.config.source_date_epoch) {
    value = *ctx.config.source_date_epoch;
  } else if (const char *env = getenv("SOURCE_DATE_EPOCH"); env && *env) {
    from = "$SOURCE_DATE_EPOCH=";
    char *end = nullptr;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    if (errno || *end) {
      *err = from + env + " is not a number of seconds";
      return false;
    }
    value = v;
  }
  if (value < 0 || value > int64_t(UINT32_MAX)) {
    *err = from + std::to_string(value) +
           " does not fit a cpio header's mtime (0..4294967295)";
    return false;
  }
  *out = uint32_t(value);
  return true;
}

void write_initrd(Context &ctx, const Tree &tree, const std::string &path,
                  const EarlyCpio *early) {
  Timer timer(ctx, "write initrd");
  Compression compression;
  if (!parse_compression(ctx.config.compression, &compression))
    Fatal(ctx) << "Compression=" << ctx.config.compression
               << " is not one of zstd, xz, gzip, lz4, none";
  std::string err;
  CpioOptions opts;
  if (!source_date_epoch(ctx, &opts.mtime, &err))
    Fatal(ctx) << err;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int threads = cpus > 0 ? int(cpus) : 1;

  AtomicFile file;
  if (!file.open(path, &err))
    Fatal(ctx) << err;
  FdSink sink(file.fd(), file.temp_path());
  if (early && !early->files.empty() &&
      !write_cpio_files(early->files, sink, opts, &err))
    Fatal(ctx) << path << ": early cpio: " << err;
  uint64_t early_bytes = sink.bytes_written();
  auto compressor = make_compressor(compression, ctx.config.compression_level,
                                    threads, &sink, &err);
  if (!compressor)
    Fatal(ctx) << "CompressionLevel=" << ctx.config.compression_level << ": "
               << err;
  if (!write_cpio(tree, *compressor, opts, &err) || !compressor->finish(&err))
    Fatal(ctx) << "cannot write " << path << ": " << err;
  if (!file.commit(&err))
    Fatal(ctx) << err;
  Log(ctx) << "wrote " << path << ": " << sink.bytes_written() << " bytes ("
           << (early_bytes ? std::to_string(early_bytes) + " early cpio + "
                           : "")
           << tree.size() << " paths, " << tree.content_bytes()
           << " bytes of file data, " << compression_name(compression) << ")";
}

void check_image_format(Context &ctx) {
  if (ctx.config.format != "cpio")
    Fatal(ctx) << "Format=" << ctx.config.format
               << " is not supported yet; use Format=cpio";
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
  write_initrd(ctx, ctx.tree, ctx.config.output, early);
}

} // namespace initpack
