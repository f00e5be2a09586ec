// Real .debs for the package tests: built by dpkg-deb under fakeroot (so
// owners and setuid bits are recorded without being root), or crafted
// member by member with libarchive's writers when the package must be one
// dpkg-deb refuses to build (unsafe names).
#pragma once

#include "context.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/subprocess.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace initpack::test {

// Builds NAME_VERSION_all.deb in out_dir from a shell script run in the
// package root ($PWD) under fakeroot; returns its path.
inline std::string make_deb(const std::string &out_dir, const std::string &name,
                            const std::string &version,
                            const std::string &script,
                            const std::string &compression = "xz") {
  std::string root = out_dir + "/" + name + ".root";
  std::string deb = out_dir + "/" + name + "_" + version + "_all.deb";
  std::string err;
  EXPECT_TRUE(mkdir_p(root + "/DEBIAN", &err)) << err;
  EXPECT_TRUE(write_file(root + "/DEBIAN/control",
                         "Package: " + name + "\nVersion: " + version +
                             "\nArchitecture: all\nMaintainer: initpack "
                             "tests <tests@localhost>\nDescription: test\n",
                         &err))
      << err;
  Diagnostics diag;
  RunOptions opts;
  opts.cwd = root;
  RunResult r = run_command(
      diag,
      {"fakeroot", "sh", "-euc",
       script + "\ndpkg-deb -Z" + compression + " --build \"$PWD\" " + deb},
      opts);
  EXPECT_TRUE(r.ok()) << r.err;
  return deb;
}

struct CraftedMember {
  std::string name;
  char type = 'f';  // f: file, d: directory, l: symlink, h: hardlink
  std::string data; // file content, or link target
  int mode = 0644;
};

namespace detail {
inline la_ssize_t append(archive *, void *out, const void *buf, size_t n) {
  static_cast<std::string *>(out)->append(static_cast<const char *>(buf), n);
  return static_cast<la_ssize_t>(n);
}
inline std::string tar_gz(const std::vector<CraftedMember> &members) {
  std::string out;
  archive *a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1); // no padding to 10 KiB
  archive_write_open(a, &out, nullptr, append, nullptr);
  for (const CraftedMember &m : members) {
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, m.mode);
    if (m.type == 'f') {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, m.data.size());
    } else if (m.type == 'd') {
      archive_entry_set_filetype(e, AE_IFDIR);
    } else if (m.type == 'l') {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.data.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, m.data.c_str());
    }
    archive_write_header(a, e);
    if (m.type == 'f')
      archive_write_data(a, m.data.data(), m.data.size());
    archive_entry_free(e);
  }
  archive_write_free(a);
  return out;
}
} // namespace detail

// Writes a .deb (ar: debian-binary, control.tar.gz, data.tar.gz) whose
// data.tar holds exactly `members`, names as given. `second_data`, when not
// empty, adds a second data.tar.gz member after it (dpkg refuses those).
inline std::string
craft_deb(const std::string &path, const std::vector<CraftedMember> &members,
          const std::vector<CraftedMember> &second_data = {}) {
  std::vector<std::pair<std::string, std::string>> ar_members = {
      {"debian-binary", "2.0\n"},
      {"control.tar.gz",
       detail::tar_gz({{"./control", 'f', "Package: crafted\n", 0644}})},
      {"data.tar.gz", detail::tar_gz(members)}};
  if (!second_data.empty())
    ar_members.push_back({"data.tar.gz", detail::tar_gz(second_data)});
  std::string out;
  archive *a = archive_write_new();
  archive_write_set_format_ar_svr4(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, detail::append, nullptr);
  for (const auto &[name, data] : ar_members) {
    archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, data.size());
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_free(a);
  std::string err;
  EXPECT_TRUE(write_file(path, out, &err)) << err;
  return path;
}

// The PackageRef the resolver would give for a .deb (URL left empty).
inline PackageRef ref_for(const std::string &deb, const std::string &name,
                          const std::string &version = "1.0") {
  PackageRef p;
  p.name = name;
  p.version = version;
  p.arch = "all";
  std::string err;
  EXPECT_TRUE(sha256_file(deb, &p.sha256, &err)) << err;
  struct stat st;
  EXPECT_EQ(stat(deb.c_str(), &st), 0);
  p.size = st.st_size;
  p.deb_path = deb;
  return p;
}

inline std::string read_all(const std::string &path) {
  std::string data, err;
  EXPECT_TRUE(read_file(path, &data, &err)) << err;
  return data;
}

// Overwrites one byte in place (the cache's files are read-only: a test
// plays a user or a disk that damages them anyway).
inline void flip_byte(const std::string &path, size_t offset) {
  chmod(path.c_str(), 0644);
  std::string data = read_all(path);
  ASSERT_LT(offset, data.size());
  data[offset] ^= 0x55;
  FILE *f = fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  fseek(f, static_cast<long>(offset), SEEK_SET);
  fputc(data[offset], f);
  fclose(f);
}

} // namespace initpack::test
