#include "output/initrd.h"

#include "context.h"
#include "util/fs.h"
#include "util/parallel.h"
#include "util/timer.h"

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

bool source_date_epoch(const Context &ctx, uint32_t *out, std::string *err) {
  int64_t value = ctx.config.source_date_epoch.value_or(0);
  if (value < 0 || value > int64_t(UINT32_MAX)) {
    *err = "SourceDateEpoch=" + std::to_string(value) +
           " does not fit a cpio header's mtime (0..4294967295)";
    return false;
  }
  *out = uint32_t(value);
  return true;
}

EarlyCpio early_cpio(const Microcode &microcode) {
  EarlyCpio early;
  for (const MicrocodeFile &f : microcode.files)
    early.files.push_back({f.path, f.data, 0100644});
  return early;
}

static CpioOptions cpio_options(Context &ctx) {
  std::string err;
  CpioOptions opts;
  if (!source_date_epoch(ctx, &opts.mtime, &err))
    Fatal(ctx) << err;
  return opts;
}

static uint64_t bytes_written(const FdSink &s) {
  return s.bytes_written();
}
static uint64_t bytes_written(const StringSink &s) {
  return s.data().size();
}

// The early cpio (uncompressed), then the compressed main archive.
template <class SinkT>
static void write_initrd_stream(Context &ctx, const Tree &tree,
                                const EarlyCpio *early, SinkT &sink,
                                const std::string &path) {
  const Encoding &encoding = ctx.config.encoding;
  std::string err;
  CpioOptions opts = cpio_options(ctx);
  int threads = int(default_threads());
  if (early && !early->files.empty() &&
      !write_cpio_files(early->files, sink, opts, &err))
    Fatal(ctx) << path << ": early cpio: " << err;
  uint64_t early_bytes = bytes_written(sink);
  auto compressor = make_compressor(encoding.compression, encoding.level,
                                    threads, &sink, &err);
  if (!compressor)
    Fatal(ctx) << "cannot write " << path << ": " << err;
  if (!write_cpio(tree, *compressor, opts, &err) || !compressor->finish(&err))
    Fatal(ctx) << "cannot write " << path << ": " << err;
  Log(ctx) << "wrote " << path << ": " << bytes_written(sink) << " bytes ("
           << (early_bytes ? std::to_string(early_bytes) + " early cpio + "
                           : "")
           << tree.size() << " paths, " << tree.content_bytes()
           << " bytes of file data, " << compression_name(encoding.compression)
           << ")";
}

void write_initrd(Context &ctx, const Tree &tree, const std::string &path,
                  const EarlyCpio *early) {
  Timer timer(ctx, "write initrd");
  std::string err;
  AtomicFile file;
  if (!file.open(path, &err))
    Fatal(ctx) << err;
  FdSink sink(file.fd(), file.temp_path());
  write_initrd_stream(ctx, tree, early, sink, path);
  if (!file.commit(&err))
    Fatal(ctx) << err;
}

std::string initrd_bytes(Context &ctx, const Tree &tree,
                         const EarlyCpio *early) {
  Timer timer(ctx, "write initrd");
  StringSink sink;
  write_initrd_stream(ctx, tree, early, sink, "the initrd");
  return sink.data();
}

std::string early_cpio_bytes(Context &ctx, const EarlyCpio &early) {
  std::string err;
  StringSink sink;
  if (!write_cpio_files(early.files, sink, cpio_options(ctx), &err))
    Fatal(ctx) << "early cpio: " << err;
  return sink.data();
}

} // namespace initpack
