// unpack_to_directory(): one package as real files, for stages that need a
// directory (libkmod and depmod read the kernel's modules from disk).
//
// Files are written by libarchive's archive_write_disk, but every member is
// first placed in an in-memory model of what has been extracted so far
// (the same place_in_tree() rule as the image tree), and is written under
// its resolved path. The writer therefore never follows a symlink from the
// package, and a member that would climb out through one is refused before
// anything is written. (ARCHIVE_EXTRACT_SECURE_SYMLINKS is not used: it
// would refuse the merged-/usr links, see FACTS.md.)
#include "packages/deb.h"
#include "packages/merge.h"
#include "packages/unpack.h"
#include "util/fs.h"
#include "util/hash.h"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <unordered_map>

namespace initpack {

namespace {

class DirWriter {
public:
  DirWriter(const std::string &dir, const std::string &pkg, bool as_root)
      : dir_(dir), pkg_(pkg) {
    disk_ = archive_write_disk_new();
    int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                ARCHIVE_EXTRACT_UNLINK | ARCHIVE_EXTRACT_SECURE_NODOTDOT;
    if (as_root)
      flags |= ARCHIVE_EXTRACT_OWNER; // numeric ids: no name lookup is set
    archive_write_disk_set_options(disk_, flags);
  }
  ~DirWriter() { archive_write_free(disk_); }

  bool add_merged_usr_links(const std::string &arch, std::string *err);
  // Writes the reader's current member; problems with the member itself go
  // to *errors, I/O failures to *err (then the unpack stops).
  bool write(DebReader &reader, const PackageFile &f,
             std::vector<std::string> *errors, std::string *err);
  bool close(std::string *err);

private:
  std::string on_disk(const std::string &path) const {
    return path.empty() ? dir_ : dir_ + "/" + path;
  }
  bool copy_data(DebReader &reader, std::string *err);

  std::string dir_, pkg_;
  archive *disk_;
  Tree model_; // what is on disk so far, for resolving member paths
  std::unordered_map<std::string, std::string> placed_; // member -> path
};

bool DirWriter::add_merged_usr_links(const std::string &arch,
                                     std::string *err) {
  for (const std::string &d : merged_usr_dirs(arch)) {
    if (!mkdir_p(on_disk("usr/" + d), err))
      return false;
    if (::symlink(("usr/" + d).c_str(), on_disk(d).c_str()) < 0) {
      *err = "cannot create " + on_disk(d) + ": " + std::strerror(errno);
      return false;
    }
    model_.add_dir("usr/" + d);
    model_.add_symlink(d, "usr/" + d);
  }
  return true;
}

bool DirWriter::copy_data(DebReader &reader, std::string *err) {
  char buf[256 * 1024];
  for (;;) {
    int64_t n = reader.read(buf, sizeof buf, err);
    if (n < 0)
      return false;
    if (n == 0)
      return true;
    if (archive_write_data(disk_, buf, n) != n) {
      *err = archive_error_string(disk_);
      return false;
    }
  }
}

bool DirWriter::write(DebReader &reader, const PackageFile &f,
                      std::vector<std::string> *errors, std::string *err) {
  std::string dest, why;
  if (f.path.empty())
    return true; // "./": the directory itself
  if (!place_in_tree(model_, f, &dest, &why)) {
    errors->push_back(pkg_ + ": " + f.path + ": " + why);
    return true;
  }
  archive_entry *e = reader.entry();
  archive_entry_set_pathname(e, on_disk(dest).c_str());
  if (f.hardlink) {
    auto it = placed_.find(f.link);
    if (it == placed_.end()) {
      errors->push_back(pkg_ + ": " + f.path + ": hardlink to '" + f.link +
                        "', which the package does not ship before it");
      return true;
    }
    archive_entry_set_hardlink(e, on_disk(it->second).c_str());
  }
  int r = archive_write_header(disk_, e);
  if (r < ARCHIVE_WARN) {
    *err = pkg_ + ": " + f.path + ": " + archive_error_string(disk_);
    return false;
  }
  if (f.type == NodeType::File && !f.hardlink && !copy_data(reader, err)) {
    *err = pkg_ + ": " + f.path + ": " + *err;
    return false;
  }
  if (archive_write_finish_entry(disk_) < ARCHIVE_WARN) {
    *err = pkg_ + ": " + f.path + ": " + archive_error_string(disk_);
    return false;
  }
  placed_[f.path] = dest;
  if (f.type == NodeType::Dir)
    model_.add_dir(dest);
  else if (f.type == NodeType::Symlink)
    model_.add_symlink(dest, f.link);
  else
    model_.add_file(dest, nullptr);
  return true;
}

bool DirWriter::close(std::string *err) {
  // Directory modes and times are applied here, after their contents.
  if (archive_write_close(disk_) != ARCHIVE_OK) {
    *err = pkg_ + ": " + archive_error_string(disk_);
    return false;
  }
  return true;
}

// Unpacks the .deb into `dir` (which exists and is empty).
void unpack_into(Context &ctx, const PackageRef &pkg, const std::string &deb,
                 const std::string &dir) {
  DirWriter writer(dir, pkg.name, geteuid() == 0);
  DebReader reader;
  std::string err, bad, got;
  std::vector<std::string> errors;
  bool ok = reader.open(deb, &err) &&
            writer.add_merged_usr_links(ctx.config.architecture, &err);
  PackageFile f;
  while (ok && reader.next(&f, &bad, &err)) {
    if (!bad.empty())
      errors.push_back(pkg.name + ": " + f.path + ": " + bad);
    else if (!writer.write(reader, f, &errors, &err))
      break;
  }
  ok = ok && err.empty() && writer.close(&err) && reader.finish(&got, &err);
  // A .deb that cannot be read may be damaged: then say that.
  std::string why;
  if (!ok && !sha256_file(deb, &got, &why))
    got.clear();
  if (!got.empty() && got != pkg.sha256)
    Fatal(ctx) << pkg.name << ": " << deb << ": SHA256 mismatch: expected "
               << pkg.sha256 << ", got " << got;
  for (const std::string &e : errors)
    Error(ctx) << e;
  if (!ok)
    Fatal(ctx) << pkg.name << ": " << err;
  checkpoint(ctx);
}

} // namespace

std::string unpack_to_directory(Context &ctx, const PackageRef &pkg) {
  Timer timer(ctx, "unpack " + pkg.name + " to a directory");
  PackageCache cache(cache_root(ctx));
  std::string err;
  if (!is_sha256_hex(pkg.sha256))
    Fatal(ctx) << pkg.name << ": no valid SHA256 from the index";
  std::string dir = cache.tree_path(pkg.sha256);
  if (is_directory(dir))
    return dir;
  if (!cache.prepare(&err))
    Fatal(ctx) << err;
  std::string deb =
      pkg.deb_path.empty() ? cache.deb_path(pkg.sha256) : pkg.deb_path;

  std::string tmpl = cache.trees_dir() + "/tmp.XXXXXX";
  if (!::mkdtemp(tmpl.data()))
    Fatal(ctx) << "cannot create a directory in " << cache.trees_dir() << ": "
               << errno_string();
  struct RemoveOnFailure {
    std::string path;
    ~RemoveOnFailure() {
      std::string e;
      if (!path.empty())
        remove_all(path, &e);
    }
  } guard{tmpl};
  Log(ctx) << "unpacking " << deb << " to " << dir;
  unpack_into(ctx, pkg, deb, tmpl);
  if (::rename(tmpl.c_str(), dir.c_str()) < 0) {
    // Another build may have finished the same directory first.
    if ((errno == EEXIST || errno == ENOTEMPTY) && is_directory(dir))
      return dir;
    Fatal(ctx) << "cannot rename " << tmpl << " to " << dir << ": "
               << errno_string();
  }
  guard.path.clear();
  return dir;
}

} // namespace initpack
