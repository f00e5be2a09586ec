// Small filesystem helpers. Functions that can fail for reasons a user must
// hear about take a `std::string *err` (ninja-style) and return false; the
// caller adds context (which file, which setting) and reports it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

bool read_file(const std::string &path, std::string *out, std::string *err);
// Calls f(data, n, size_hint) for each block of the file in order
// (size_hint: the file's size when known, else 0): the one read loop.
bool read_chunks(const std::string &path,
                 const std::function<void(const char *, size_t, size_t)> &f,
                 std::string *err);
// Writes all of `data` to `fd`, retrying short writes and EINTR. On false,
// errno says why.
bool write_all(int fd, const void *data, size_t size);
// pread/pwrite of exactly `size` bytes at `offset`, retrying short transfers
// and EINTR; on false, *err says where and why (a read past the end too).
bool pread_all(int fd, void *data, size_t size, uint64_t offset,
               std::string *err);
bool pwrite_all(int fd, const void *data, size_t size, uint64_t offset,
                std::string *err);
bool write_file(const std::string &path, std::string_view data,
                std::string *err, int mode = 0644);
bool file_exists(const std::string &path);
bool is_directory(const std::string &path);
bool mkdir_p(const std::string &path, std::string *err, int mode = 0755);
// Removes a file or a whole directory tree; a missing path is not an error.
bool remove_all(const std::string &path, std::string *err);
// Regular files and directories directly in `dir`, sorted by name.
std::vector<std::string> list_dir(const std::string &dir);

std::string dirname(std::string_view path);
std::string basename(std::string_view path);
std::string join_path(std::string_view a, std::string_view b);

// A file that appears at `path` only when commit() succeeds. Until then the
// data goes to a temporary file beside it, which the destructor deletes: a
// failed build never leaves a half-written output or damages an old one.
// The temporary (.NAME.XXXXXX) is flocked while open, and open() removes
// unlocked ones of the same NAME: what a killed process left behind.
class AtomicFile {
public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  bool open(const std::string &path, std::string *err, int mode = 0644);
  bool write(const void *data, size_t size, std::string *err);
  bool commit(std::string *err);
  int fd() const { return fd_; }
  const std::string &temp_path() const { return temp_path_; }

private:
  std::string path_, temp_path_;
  int fd_ = -1;
  int mode_ = 0644;
};

// A directory deleted with everything in it when the object goes away
// (unless keep() was called, for --keep-temp debugging: it is then renamed
// PREFIX.kept-XXXXXX). It is named
// $TMPDIR/PREFIX.tmp-XXXXXX and holds an flock while it exists, so the
// first TempDir of a later run finds and removes the ones a killed process
// left behind (an unlocked PREFIX.tmp-XXXXXX whose PREFIX starts with
// "initpack").
class TempDir {
public:
  explicit TempDir(const std::string &prefix = "initpack");
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return path_; }
  void keep() { keep_ = true; }

private:
  std::string path_;
  int lock_fd_ = -1;
  bool keep_ = false;
};

// Removes entries of `dir` named PREFIX + 6 characters that nobody holds an
// flock on: the temporary files and directories of a killed process (live
// ones are locked by their owner). Returns how many were removed.
int remove_stale_temporaries(const std::string &dir, const std::string &prefix);
// The TempDirs of killed runs: every $TMPDIR/initpack*.tmp-XXXXXX that
// nobody locks. The first TempDir of a process calls it; so does a build.
void remove_stale_temp_dirs();

} // namespace initpack
