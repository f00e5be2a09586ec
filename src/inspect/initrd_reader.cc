#include "inspect/initrd_reader.h"

#include "codec/decompress.h"
#include "image/tree.h"
#include "inspect/cpio_reader.h"
#include "inspect/erofs_reader.h"
#include "inspect/gpt_reader.h"
#include "util/diag.h"
#include "util/strings.h"

#include <fcntl.h>
#include <map>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

namespace initpack {

namespace {

// Turns parser members into entries, one archive at a time, and gives each
// hardlinked file its data. Within an archive, members of one file share
// (ino, dev, mode), as init/initramfs.c's find_link() matches them; the
// data may come with the first member or the last one.
class EntryCollector {
public:
  EntryCollector(std::vector<InitrdEntry> *entries, const InitrdDataFn &fn)
      : entries_(entries), on_data_(fn) {}

  void start_segment(int index) { segment_ = index; }

  bool add(CpioMember &m, std::string *err) {
    InitrdEntry e;
    e.raw_name = m.name;
    std::string norm;
    if (Tree::normalize(m.name, &norm))
      e.path = norm.empty() ? "." : norm;
    else
      e.path = m.name, e.unsafe_path = true;
    e.mode = m.mode;
    e.uid = m.uid;
    e.gid = m.gid;
    e.size = m.filesize;
    e.mtime = m.mtime;
    e.nlink = m.nlink;
    e.ino = m.ino;
    e.rdev_major = m.rdev_major;
    e.rdev_minor = m.rdev_minor;
    e.segment = segment_;
    e.data_sha256 = m.sha256;
    if (S_ISLNK(m.mode))
      e.link_target = m.data;
    entries_->push_back(std::move(e));
    size_t index = entries_->size() - 1;
    if (S_ISREG(m.mode) && m.nlink >= 2)
      return add_link(index, m);
    emit(index, S_ISREG(m.mode) || S_ISLNK(m.mode) ? m.data : "");
    return true;
  }

  // End of an archive: files whose members never carried data are empty.
  bool end_archive(std::string *err) {
    for (auto &[key, g] : groups_)
      for (size_t i : g.pending)
        emit(i, "");
    groups_.clear();
    return true;
  }

private:
  struct Group {
    std::string first_path;
    bool has_data = false;
    uint64_t size = 0;
    std::string sha256, data;
    std::vector<size_t> pending; // entries waiting for the data
  };
  using Key = std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>;

  bool add_link(size_t index, CpioMember &m) {
    Group &g = groups_[Key{m.ino, m.dev_major, m.dev_minor, m.mode}];
    InitrdEntry &e = (*entries_)[index];
    if (g.first_path.empty())
      g.first_path = e.path;
    else
      e.hardlink = g.first_path;
    if (m.filesize > 0) {
      g.has_data = true;
      g.size = m.filesize;
      g.sha256 = m.sha256;
      if (on_data_)
        g.data = m.data;
      for (size_t i : g.pending)
        give_group_data(i, g);
      g.pending.clear();
      emit(index, g.data);
    } else if (g.has_data) {
      give_group_data(index, g);
    } else {
      g.pending.push_back(index);
    }
    return true;
  }
  void give_group_data(size_t i, const Group &g) {
    (*entries_)[i].size = g.size;
    (*entries_)[i].data_sha256 = g.sha256;
    emit(i, g.data);
  }
  void emit(size_t i, std::string_view data) {
    if (on_data_)
      on_data_((*entries_)[i], data);
  }

  std::vector<InitrdEntry> *entries_;
  const InitrdDataFn &on_data_;
  int segment_ = 0;
  std::map<Key, Group> groups_;
};

std::string hex_bytes(std::string_view d) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < d.size() && i < 8; i++) {
    if (i)
      s += ' ';
    s += digits[uint8_t(d[i]) >> 4];
    s += digits[uint8_t(d[i]) & 15];
  }
  return s;
}

// An uncompressed archive in the image itself: parsed in place, ending
// after its TRAILER!!! and the NULs that pad it.
bool read_plain_segment(std::string_view rest, EntryCollector &c, bool keep,
                        InitrdSegment *seg, std::string *err) {
  CpioParser p(
      true, keep, [&](CpioMember &m, std::string *e) { return c.add(m, e); },
      [&](std::string *e) { return c.end_archive(e); });
  size_t used = 0;
  if (!p.feed(rest.data(), rest.size(), &used, err))
    return false;
  if (!p.done()) {
    if (!p.finish(err))
      return false;
    *err = "cpio archive without TRAILER!!!";
    return false;
  }
  // The NUL padding after the trailer (to 512 bytes, as GNU cpio and we
  // write it) belongs to the archive.
  while (used < rest.size() && rest[used] == 0)
    used++;
  seg->compressed_size = seg->uncompressed_size = used;
  seg->archives = 1;
  return true;
}

// A compressed stream: decoded in chunks into a parser that accepts any
// number of archives.
bool read_compressed_segment(StreamFormat f, std::string_view rest,
                             EntryCollector &c, bool keep, InitrdSegment *seg,
                             std::string *err) {
  CpioParser p(
      false, keep, [&](CpioMember &m, std::string *e) { return c.add(m, e); },
      [&](std::string *e) { return c.end_archive(e); });
  auto feed = [&](const char *d, size_t n, std::string *e) {
    size_t used;
    return p.feed(d, n, &used, e);
  };
  StreamInfo info;
  // A stream may end without a TRAILER!!!; the kernel accepts that too.
  if (!decompress_stream(f, rest, feed, &info, err) || !p.finish(err) ||
      !c.end_archive(err))
    return false;
  seg->compressed_size = info.consumed;
  seg->uncompressed_size = info.produced;
  seg->archives = p.archives();
  seg->detail = info.detail;
  return true;
}

// A GPT disk (a sysext or confext systemd-repart made): each EROFS
// partition is a segment at its offset; the others (verity) are skipped.
bool read_disk_partitions(std::string_view image, const std::string &name,
                          std::vector<InitrdSegment> *segs,
                          std::vector<InitrdEntry> *entries, std::string *err,
                          const InitrdDataFn &on_data) {
  std::vector<GptPartition> parts;
  if (!read_gpt(image, name, &parts, err))
    return false;
  for (const GptPartition &p : parts) {
    std::string_view bytes = image.substr(p.offset, p.size);
    if (!is_erofs_image(bytes))
      continue;
    std::string where = name + " (partition " + std::to_string(p.number) +
                        " at offset " + std::to_string(p.offset) + ")";
    InitrdSegment seg;
    if (!read_erofs_bytes(bytes, where, int(segs->size()), &seg, entries, err,
                          on_data))
      return false;
    seg.offset = p.offset;
    seg.detail = "partition " + std::to_string(p.number) + " " +
                 escape_name(p.name) + ", " + seg.detail;
    segs->push_back(seg);
  }
  if (segs->empty()) {
    *err = name + ": a GPT disk without an EROFS partition (" +
           std::to_string(parts.size()) + " partitions)";
    return false;
  }
  return true;
}

} // namespace

bool read_initrd_bytes(std::string_view image, const std::string &name,
                       std::vector<InitrdSegment> *segs,
                       std::vector<InitrdEntry> *entries, std::string *err,
                       const InitrdDataFn &on_data) {
  segs->clear();
  entries->clear();
  if (is_erofs_image(image)) { // a stage-2 image, a sysext or confext
    segs->emplace_back();
    return read_erofs_bytes(image, name, 0, &segs->back(), entries, err,
                            on_data);
  }
  if (is_gpt_disk(image))
    return read_disk_partitions(image, name, segs, entries, err, on_data);
  EntryCollector collector(entries, on_data);
  size_t off = 0;
  while (true) {
    while (off < image.size() && image[off] == 0)
      off++;
    if (off == image.size())
      break;
    std::string_view rest = image.substr(off);
    StreamFormat f = detect_stream(rest);
    InitrdSegment seg;
    seg.offset = off;
    seg.compression = stream_format_name(f);
    std::string where = name + ": segment " + std::to_string(segs->size()) +
                        " (" + seg.compression + " at offset " +
                        std::to_string(off) + "): ";
    if (f == StreamFormat::Unknown) {
      *err = name + ": offset " + std::to_string(off) +
             ": neither a cpio archive nor a compressed stream the kernel "
             "knows (bytes " +
             hex_bytes(rest) + ")";
      return false;
    }
    if (f == StreamFormat::Cpio && off % 4) {
      *err = where + "not 4-byte aligned; the kernel would not read it";
      return false;
    }
    size_t before = entries->size();
    collector.start_segment(int(segs->size()));
    bool keep = bool(on_data);
    bool ok =
        f == StreamFormat::Cpio
            ? read_plain_segment(rest, collector, keep, &seg, err)
            : read_compressed_segment(f, rest, collector, keep, &seg, err);
    if (!ok) {
      *err = where + *err;
      return false;
    }
    seg.entries = entries->size() - before;
    segs->push_back(seg);
    off += std::max<size_t>(seg.compressed_size, 1);
  }
  if (segs->empty()) {
    *err = name + ": empty image";
    return false;
  }
  return true;
}

bool read_initrd(const std::string &path, std::vector<InitrdSegment> *segs,
                 std::vector<InitrdEntry> *entries, std::string *err,
                 const InitrdDataFn &on_data) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = "cannot open " + path + ": " + errno_string();
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    *err = path + ": not a regular file";
    ::close(fd);
    return false;
  }
  if (st.st_size == 0) {
    ::close(fd);
    *err = path + ": empty image";
    return false;
  }
  void *map = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    *err = "cannot map " + path + ": " + errno_string();
    return false;
  }
  std::string_view image(static_cast<const char *>(map), st.st_size);
  bool ok = read_initrd_bytes(image, path, segs, entries, err, on_data);
  munmap(map, st.st_size);
  return ok;
}

std::string mode_string(uint32_t mode) {
  std::string s = "?rwxrwxrwx";
  switch (mode & S_IFMT) {
  case S_IFREG:
    s[0] = '-';
    break;
  case S_IFDIR:
    s[0] = 'd';
    break;
  case S_IFLNK:
    s[0] = 'l';
    break;
  case S_IFCHR:
    s[0] = 'c';
    break;
  case S_IFBLK:
    s[0] = 'b';
    break;
  case S_IFIFO:
    s[0] = 'p';
    break;
  case S_IFSOCK:
    s[0] = 's';
    break;
  }
  for (int i = 0; i < 9; i++)
    if (!(mode & (0400 >> i)))
      s[1 + i] = '-';
  auto special = [&](uint32_t bit, int pos, char on_x, char on_nox) {
    if (mode & bit)
      s[pos] = s[pos] == 'x' ? on_x : on_nox;
  };
  special(S_ISUID, 3, 's', 'S');
  special(S_ISGID, 6, 's', 'S');
  special(S_ISVTX, 9, 't', 'T');
  return s;
}

} // namespace initpack
