// Byte sinks and the compressors the kernel's initramfs unpacker accepts.
//
// The writers (cpio, later EROFS) stream into a Sink; a compressor is a Sink
// that wraps another one, so "cpio → zstd → file" is three objects chained.
// Every compressor produces the same bytes for the same input whatever the
// thread count: zstd and xz always run their multithreaded encoders, whose
// output depends on the job/block size only, and lz4 blocks are independent.
#pragma once

#include "config/encoding.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace initpack {

// A byte sink. write() may be called any number of times, then finish()
// once: it flushes and ends the stream (a compressor finishes its frame and
// then the sink it wraps).
class Sink {
public:
  virtual ~Sink() = default;
  virtual bool write(const void *data, size_t size, std::string *err) = 0;
  virtual bool finish(std::string *err) = 0;
};

// Writes to a file descriptor it does not own (e.g. AtomicFile::fd()).
class FdSink : public Sink {
public:
  explicit FdSink(int fd, std::string name = "") : fd_(fd), name_(name) {}
  bool write(const void *data, size_t size, std::string *err) override;
  bool finish(std::string *err) override { return true; }
  uint64_t bytes_written() const { return bytes_; }

private:
  int fd_;
  std::string name_; // for error messages
  uint64_t bytes_ = 0;
};

// Collects everything in memory; for tests and small archives.
class StringSink : public Sink {
public:
  bool write(const void *data, size_t size, std::string *err) override {
    data_.append(static_cast<const char *>(data), size);
    return true;
  }
  bool finish(std::string *err) override {
    finished_ = true;
    return true;
  }
  const std::string &data() const { return data_; }
  bool finished() const { return finished_; }

private:
  std::string data_;
  bool finished_ = false;
};

// A sink compressing into `out` (not owned; finish() finishes it too).
// level -1 selects default_compression_level(c); threads < 1 means 1.
// Returns nullptr with *err set when the level is out of range or the
// library refuses to start.
std::unique_ptr<Sink> make_compressor(Compression c, int level, int threads,
                                      Sink *out, std::string *err);

} // namespace initpack
