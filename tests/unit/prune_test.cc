#include "image/prune.h"

#include "image/consistency.h"
#include "image/tree.h"
#include "tree_text.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

const std::string kLib = "usr/lib/x86_64-linux-gnu/";

// A merged-/usr tree: ld.so, libc, and real ELF programs (the host's
// /usr/bin/true, which needs libc.so.6) under several names.
Tree base_tree() {
  Tree t;
  t.add_dir("usr/bin");
  t.add_dir("usr/sbin");
  t.add_dir("usr/lib64");
  t.add_symlink("bin", "usr/bin");
  t.add_symlink("sbin", "usr/sbin");
  t.add_symlink("lib", "usr/lib");
  t.add_symlink("lib64", "usr/lib64");
  t.add_file(kLib + "ld-linux-x86-64.so.2", Content::from_bytes("ld"), 0755);
  t.add_symlink("usr/lib64/ld-linux-x86-64.so.2",
                "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  t.add_file(kLib + "libc.so.6", Content::from_bytes("c"), 0644, "libc6");
  for (const char *prog :
       {"usr/bin/bash", "usr/bin/run-by-unit", "usr/sbin/named-in-script",
        "usr/bin/kept-by-glob", "usr/bin/initpack-unused-program"})
    t.add_file(prog, host_file("/usr/bin/true"), 0755, "pkg");
  t.add_symlink("usr/bin/sh", "bash");
  t.add_symlink("usr/sbin/unused-link", "../bin/initpack-unused-program");
  t.add_file(kLib + "libopened.so.1.2", Content::from_bytes("o"), 0644);
  t.add_symlink(kLib + "libopened.so.1", "libopened.so.1.2");
  t.add_file(kLib + "libunused.so.3.0", Content::from_bytes("u"), 0644);
  t.add_symlink(kLib + "libunused.so.3", "libunused.so.3.0");
  t.add_file(
      "usr/lib/systemd/system/a.service",
      Content::from_bytes("[Service]\nExecStart=/usr/bin/run-by-unit\n"));
  t.add_file(
      "usr/lib/udev/helper",
      Content::from_bytes("#!/bin/sh\nv=$(named-in-script -o value \"$1\")\n"),
      0755);
  t.add_file(
      "usr/lib/initpack/opener",
      Content::from_bytes("#!/bin/sh\nLD_PRELOAD=libopened.so.1 \"$@\"\n"),
      0755);
  // Data, not commands: the program reads its configuration, it is not
  // run by it.
  t.add_file("etc/pam.d/initpack-unused-program",
             Content::from_bytes("auth required initpack-unused-program\n"));
  return t;
}

} // namespace

TEST(Prune, KeepsWhatTheBootReachesAndSaysWhy) {
  Tree t = base_tree();
  PruneResult r = prune_unreachable(t, {"/usr/bin/kept-by-*"});
  EXPECT_EQ(r.kept["usr/bin/run-by-unit"],
            "ExecStart= of /usr/lib/systemd/system/a.service:2");
  EXPECT_EQ(r.kept["usr/bin/bash"], "#! of /usr/lib/initpack/opener");
  EXPECT_EQ(r.kept["usr/sbin/named-in-script"],
            "named in /usr/lib/udev/helper");
  EXPECT_EQ(r.kept["usr/bin/kept-by-glob"], "PruneKeep=/usr/bin/kept-by-*");
  EXPECT_EQ(r.kept[kLib + "libopened.so.1.2"],
            "named in /usr/lib/initpack/opener");
  EXPECT_EQ(r.kept[kLib + "libc.so.6"], "library of /usr/bin/kept-by-glob");
  EXPECT_EQ(r.kept.size(), 7u) << explain_pruning(r); // and ld.so

  std::vector<std::string> pruned = {
      "usr/bin/initpack-unused-program", kLib + "libunused.so.3.0",
      kLib + "libunused.so.3", "usr/sbin/unused-link"};
  EXPECT_EQ(r.pruned, pruned);
  for (const std::string &p : pruned)
    EXPECT_FALSE(t.contains(p)) << p;
  EXPECT_EQ(r.pruned_bytes,
            t.find("usr/bin/bash")->inode->content->size + 1); // + "u"
  EXPECT_TRUE(t.contains("usr/bin/sh"));
  EXPECT_TRUE(t.contains(kLib + "libopened.so.1"));
  // What is left still runs.
  EXPECT_EQ(check_consistency(t).missing(), 0u);
}

TEST(Prune, WithoutAKeepGlobAnUnnamedProgramGoes) {
  Tree t = base_tree();
  PruneResult r = prune_unreachable(t, {});
  EXPECT_FALSE(t.contains("usr/bin/kept-by-glob"));
  EXPECT_TRUE(t.contains("usr/bin/run-by-unit"));
  EXPECT_EQ(r.kept[kLib + "libc.so.6"], "library of /usr/bin/bash");
}

TEST(Prune, ExplainListsKeptAndPruned) {
  Tree t = base_tree();
  std::string text = explain_pruning(prune_unreachable(t, {}));
  EXPECT_NE(text.find("  /usr/bin/run-by-unit: ExecStart= of "
                      "/usr/lib/systemd/system/a.service:2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Pruned, nothing in the boot runs them (5 paths, "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  /usr/bin/initpack-unused-program\n"),
            std::string::npos);
}

TEST(Prune, WhatExtraTreesAddedStays) {
  Tree t = base_tree();
  t.add_file("usr/bin/users-own", host_file("/usr/bin/true"), 0755,
             "extra:/srv/tree");
  PruneResult r = prune_unreachable(t, {});
  EXPECT_EQ(r.kept["usr/bin/users-own"], "from extra:/srv/tree");
  EXPECT_TRUE(t.contains("usr/bin/users-own"));
}

// PAM loads the modules its configuration names; an unnamed module goes,
// and with it the library only it needed.
TEST(Prune, PamModulesStayOnlyWhenAConfigurationNamesThem) {
  Tree t = base_tree();
  std::string sec = kLib + "security/";
  t.add_file(kLib + "libdb-5.3.so", Content::from_bytes("db"), 0644);
  t.add_file(kLib + "libpam.so.0", Content::from_bytes("pam"), 0644);
  // Real ELF modules, so their libraries are read; a tree cannot give
  // them libdb as DT_NEEDED, so the test names it in a module's strings.
  t.add_file(sec + "pam_unix.so", host_file("/usr/bin/true"), 0644, "pam");
  t.add_file(sec + "pam_env.so", host_file("/usr/bin/true"), 0644, "pam");
  t.add_file(sec + "pam_userdb.so",
             Content::from_bytes(std::string("\x7f"
                                             "ELF junk\0libdb-5.3.so\0",
                                             23)),
             0644, "pam");
  t.add_file("etc/pam.d/su",
             Content::from_bytes("# pam_userdb.so is not used\n"
                                 "auth [success=1 default=ignore] pam_unix.so "
                                 "nullok\n@include common-auth\n"));
  t.add_file("usr/lib/pam.d/systemd-user",
             Content::from_bytes(
                 "session optional /lib/x86_64-linux-gnu/security/pam_env.so "
                 "libpam.so.0\n"));
  PruneResult r = prune_unreachable(t, {});
  EXPECT_EQ(r.kept[sec + "pam_unix.so"], "named in /etc/pam.d/su");
  EXPECT_EQ(r.kept[sec + "pam_env.so"], "named in /usr/lib/pam.d/systemd-user");
  EXPECT_FALSE(t.contains(sec + "pam_userdb.so")) << explain_pruning(r);
  EXPECT_FALSE(t.contains(kLib + "libdb-5.3.so"));
  // Only module names count in a PAM configuration.
  EXPECT_FALSE(t.contains(kLib + "libpam.so.0"));
}
