#include "packages/deb.h"

#include "util/hash.h"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <lzma.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace initpack {

// The file under the outer archive: every byte libarchive reads passes
// through here once, in order, so hashing here covers the whole .deb.
struct DebSource {
  int fd = -1;
  Sha256 sha;
  std::vector<char> buf = std::vector<char>(256 * 1024);
  archive *outer = nullptr; // the ar archive the data member comes from

  // data.tar.xz is decoded here with liblzma's multi-threaded decoder, as
  // dpkg-deb does: libarchive 3.6 decodes xz on one thread, but large
  // packages are compressed in independent blocks (bookworm's kernel
  // package: 17 blocks), which decode in parallel. Other compressions go
  // through libarchive's own filters.
  lzma_stream xz = LZMA_STREAM_INIT;
  bool xz_input_done = false;
  std::vector<uint8_t> xz_out;

  ~DebSource() {
    lzma_end(&xz);
    if (fd >= 0)
      ::close(fd);
  }

  // Reads the next chunk of the file; 0 at its end, -1 with errno set.
  ssize_t read_chunk() {
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR)
        continue;
      if (n > 0)
        sha.update(buf.data(), n);
      return n;
    }
  }
};

namespace {

la_ssize_t read_from_file(archive *a, void *opaque, const void **out) {
  auto *src = static_cast<DebSource *>(opaque);
  ssize_t n = src->read_chunk();
  if (n < 0) {
    archive_set_error(a, errno, "%s", std::strerror(errno));
    return -1;
  }
  *out = src->buf.data();
  return n;
}

// The inner data.tar reads straight from the outer archive's current
// member: libarchive hands out its own buffers, so nothing is copied.
la_ssize_t read_from_member(archive *a, void *opaque, const void **out) {
  auto *src = static_cast<DebSource *>(opaque);
  size_t size = 0;
  la_int64_t offset = 0;
  int r = archive_read_data_block(src->outer, out, &size, &offset);
  if (r == ARCHIVE_EOF)
    return 0;
  if (r < ARCHIVE_WARN) {
    archive_set_error(a, archive_errno(src->outer), "%s",
                      archive_error_string(src->outer));
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

bool start_xz_decoder(DebSource &src, std::string *err) {
  lzma_mt mt = {};
  mt.threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  // Above this, liblzma falls back to decoding on one thread; it never
  // refuses to decode.
  mt.memlimit_threading = std::min<uint64_t>(lzma_physmem() / 4, 1ull << 30);
  mt.memlimit_stop = UINT64_MAX;
  lzma_ret r = lzma_stream_decoder_mt(&src.xz, &mt);
  if (r != LZMA_OK) {
    *err =
        "cannot start the xz decoder (liblzma error " + std::to_string(r) + ")";
    return false;
  }
  src.xz_out.resize(1 << 20);
  return true;
}

// The inner data.tar from the xz-compressed member, decoded on several
// threads (see DebSource::xz).
la_ssize_t read_from_xz_member(archive *a, void *opaque, const void **out) {
  auto *src = static_cast<DebSource *>(opaque);
  lzma_stream &xz = src->xz;
  xz.next_out = src->xz_out.data();
  xz.avail_out = src->xz_out.size();
  for (;;) {
    if (xz.avail_in == 0 && !src->xz_input_done) {
      const void *block;
      size_t size = 0;
      la_int64_t offset = 0;
      int r = archive_read_data_block(src->outer, &block, &size, &offset);
      if (r == ARCHIVE_EOF) {
        src->xz_input_done = true;
      } else if (r < ARCHIVE_WARN) {
        archive_set_error(a, archive_errno(src->outer), "%s",
                          archive_error_string(src->outer));
        return -1;
      } else {
        xz.next_in = static_cast<const uint8_t *>(block);
        xz.avail_in = size;
      }
    }
    lzma_ret r = lzma_code(&xz, src->xz_input_done ? LZMA_FINISH : LZMA_RUN);
    size_t produced = src->xz_out.size() - xz.avail_out;
    if (r != LZMA_OK && r != LZMA_STREAM_END) {
      archive_set_error(a, EINVAL, "xz: %s",
                        r == LZMA_DATA_ERROR  ? "corrupt data"
                        : r == LZMA_BUF_ERROR ? "truncated data"
                                              : "decoder error");
      return -1;
    }
    if (produced > 0 || r == LZMA_STREAM_END) {
      *out = src->xz_out.data();
      return static_cast<la_ssize_t>(produced);
    }
  }
}

bool starts_with(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

NodeType node_type(mode_t filetype) {
  switch (filetype) {
  case AE_IFDIR:
    return NodeType::Dir;
  case AE_IFLNK:
    return NodeType::Symlink;
  case AE_IFCHR:
    return NodeType::CharDev;
  case AE_IFBLK:
    return NodeType::BlockDev;
  case AE_IFIFO:
    return NodeType::Fifo;
  case AE_IFSOCK:
    return NodeType::Socket;
  default:
    return NodeType::File;
  }
}

const char *entry_name(archive_entry *e) {
  const char *name = archive_entry_pathname(e);
  return name ? name : archive_entry_pathname_utf8(e);
}

} // namespace

bool normalize_member_name(const std::string &name, std::string *out,
                           std::string *why) {
  if (!name.empty() && name[0] == '/') {
    *why = "absolute member name";
    return false;
  }
  // dpkg refuses these too; one would forge a line in every listing.
  if (name.find('\n') != std::string::npos) {
    *why = "member name contains a newline";
    return false;
  }
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string::npos)
      j = name.size();
    if (name.compare(i, j - i, "..") == 0) {
      *why = "member name contains '..'";
      return false;
    }
    i = j + 1;
  }
  return Tree::normalize(name, out); // cannot fail without ".."
}

DebReader::DebReader() : src_(std::make_unique<DebSource>()) {}

DebReader::~DebReader() {
  if (data_)
    archive_read_free(data_);
  if (outer_)
    archive_read_free(outer_);
}

bool DebReader::open(const std::string &path, std::string *err) {
  path_ = path;
  src_->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (src_->fd < 0) {
    *err = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  outer_ = archive_read_new();
  src_->outer = outer_;
  archive_read_support_format_ar(outer_);
  auto fail = [&](const std::string &why) {
    *err = path + ": " + why;
    return false;
  };
  if (archive_read_open(outer_, src_.get(), nullptr, read_from_file, nullptr) !=
      ARCHIVE_OK)
    return fail(std::string("not a Debian package: ") +
                archive_error_string(outer_));

  archive_entry *e;
  const char *first = nullptr;
  if (archive_read_next_header(outer_, &e) == ARCHIVE_OK)
    first = archive_entry_pathname(e);
  if (!first || std::strcmp(first, "debian-binary") != 0)
    return fail("not a Debian package: no debian-binary member first");
  char version[16] = {};
  if (archive_read_data(outer_, version, sizeof version - 1) < 2 ||
      std::strncmp(version, "2.", 2) != 0)
    return fail("unsupported .deb format version '" + std::string(version) +
                "'");

  std::string name;
  for (;;) {
    int r = archive_read_next_header(outer_, &e);
    if (r == ARCHIVE_EOF)
      return fail("no data.tar member");
    if (r < ARCHIVE_WARN)
      return fail(archive_error_string(outer_));
    const char *member = archive_entry_pathname(e);
    name = member ? member : "";
    if (starts_with(name, "data.tar"))
      break;
    // control.tar.* is not needed (maintainer scripts are not run; their
    // effects are applied declaratively), and deb(5) says members starting
    // with '_' may be added and must be ignored.
    if (!starts_with(name, "control.tar") && !starts_with(name, "_"))
      return fail("unexpected member '" + name + "'");
  }

  data_ = archive_read_new();
  archive_read_support_filter_all(data_);
  archive_read_support_format_tar(data_);
  bool xz = name.size() > 3 && name.compare(name.size() - 3, 3, ".xz") == 0;
  if (xz && !start_xz_decoder(*src_, err))
    return false;
  if (archive_read_open(data_, src_.get(), nullptr,
                        xz ? read_from_xz_member : read_from_member,
                        nullptr) != ARCHIVE_OK)
    return fail(std::string("data.tar: ") + archive_error_string(data_));
  return true;
}

bool DebReader::next(PackageFile *f, std::string *bad_name, std::string *err) {
  bad_name->clear();
  err->clear();
  int r = archive_read_next_header(data_, &entry_);
  if (r == ARCHIVE_EOF) {
    entry_ = nullptr;
    return false;
  }
  if (r < ARCHIVE_WARN) {
    *err = path_ + ": data.tar: " + archive_error_string(data_);
    return false;
  }
  *f = PackageFile{};
  const char *name = entry_name(entry_);
  std::string raw = name ? name : "";
  if (!normalize_member_name(raw, &f->path, bad_name)) {
    f->path = raw;
    return true;
  }
  f->type = node_type(archive_entry_filetype(entry_));
  f->mode = archive_entry_perm(entry_) & 07777;
  f->uid = static_cast<uint32_t>(archive_entry_uid(entry_));
  f->gid = static_cast<uint32_t>(archive_entry_gid(entry_));
  if (const char *target = archive_entry_hardlink(entry_)) {
    f->type = NodeType::File;
    f->hardlink = true;
    if (!normalize_member_name(target, &f->link, bad_name)) {
      *bad_name = "hardlink target '" + std::string(target) + "': " + *bad_name;
      f->path = raw;
    }
    return true;
  }
  if (f->type == NodeType::File)
    f->size = static_cast<uint64_t>(archive_entry_size(entry_));
  if (f->type == NodeType::Symlink) {
    const char *target = archive_entry_symlink(entry_);
    f->link = target ? target : "";
  }
  if (f->type == NodeType::CharDev || f->type == NodeType::BlockDev) {
    f->rdev_major = archive_entry_rdevmajor(entry_);
    f->rdev_minor = archive_entry_rdevminor(entry_);
  }
  return true;
}

int64_t DebReader::read(void *buf, size_t size, std::string *err) {
  la_ssize_t n = archive_read_data(data_, buf, size);
  if (n < 0)
    *err = path_ + ": data.tar: " + archive_error_string(data_);
  return n;
}

bool DebReader::finish(std::string *sha256, std::string *err) {
  archive_read_free(data_);
  data_ = nullptr;
  archive_entry *e;
  int r;
  while ((r = archive_read_next_header(outer_, &e)) == ARCHIVE_OK) {
    // dpkg refuses a second data member; ignoring it would unpack files
    // other tools (and dpkg) never see.
    const char *member = archive_entry_pathname(e);
    if (member && starts_with(member, "data.tar")) {
      *err = path_ + ": a second data.tar member ('" + member +
             "'): not a valid Debian package";
      return false;
    }
    archive_read_data_skip(outer_);
  }
  if (r != ARCHIVE_EOF) {
    *err = path_ + ": " + archive_error_string(outer_);
    return false;
  }
  // libarchive may stop before the last padding byte; hash the rest too.
  ssize_t n;
  while ((n = src_->read_chunk()) > 0) {
  }
  if (n < 0) {
    *err = "cannot read " + path_ + ": " + std::strerror(errno);
    return false;
  }
  *sha256 = src_->sha.hex();
  return true;
}

} // namespace initpack
