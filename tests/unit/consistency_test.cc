#include "image/consistency.h"

#include "image/tree.h"
#include "tree_text.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

// A merged-/usr tree with ld.so, libc and bash, as the default image has.
Tree base_tree() {
  Tree t;
  t.add_dir("usr/bin");
  t.add_dir("usr/lib/x86_64-linux-gnu");
  t.add_dir("usr/lib64");
  t.add_symlink("bin", "usr/bin");
  t.add_symlink("lib", "usr/lib");
  t.add_symlink("lib64", "usr/lib64");
  t.add_file("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
             Content::from_bytes("ld"), 0755, "libc6");
  t.add_symlink("usr/lib64/ld-linux-x86-64.so.2",
                "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "libc6");
  t.add_file("usr/lib/x86_64-linux-gnu/libc.so.6", Content::from_bytes("c"),
             0644, "libc6");
  t.add_file("usr/bin/bash", host_file("/usr/bin/true"), 0755, "bash");
  return t;
}

std::vector<std::string> problems(const Tree &t) {
  std::vector<std::string> out;
  for (const Reference &r : check_consistency(t).refs)
    if (!r.problem.empty())
      out.push_back(describe_problem(t, r));
  return out;
}

using Lines = std::vector<std::string>;

} // namespace

TEST(Consistency, ElfInterpreterAndLibrariesResolveThroughMergedUsr) {
  Tree t = base_tree();
  ConsistencyReport report = check_consistency(t);
  EXPECT_EQ(report.missing(), 0u);
  ASSERT_EQ(report.refs.size(), 2u);
  EXPECT_EQ(report.refs[0].kind, "interpreter");
  EXPECT_EQ(report.refs[0].resolved,
            "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  EXPECT_EQ(report.refs[1].kind, "library");
  EXPECT_EQ(report.refs[1].resolved, "usr/lib/x86_64-linux-gnu/libc.so.6");

  t.remove("usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(problems(t),
            Lines{"/usr/bin/bash (bash): library libc.so.6: not in the image"});
}

TEST(Consistency, LibrariesFollowRunpathAndLdSoConf) {
  Tree t = base_tree();
  t.add_file("usr/lib/x86_64-linux-gnu/libc.so.6", Content::from_bytes("c"));
  t.add_file("usr/bin/systemd-escape", host_file("/usr/bin/systemd-escape"),
             0755, "systemd");
  EXPECT_EQ(problems(t), Lines{"/usr/bin/systemd-escape (systemd): library "
                               "libsystemd-shared-252.so: not in the image"});
  t.add_file("usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so",
             Content::from_bytes("s"));
  EXPECT_EQ(problems(t), Lines{});
  // A library without RUNPATH gets libsystemd-shared from the program that
  // loads it (ld.so reuses a loaded soname); its other libraries are not in
  // this tree.
  t.add_file("usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so",
             host_file("/usr/lib/x86_64-linux-gnu/systemd/"
                       "libsystemd-core-252.so"));
  for (const std::string &p : problems(t))
    EXPECT_EQ(p.find("libsystemd-shared"), std::string::npos) << p;
  EXPECT_FALSE(problems(t).empty());
  t.remove("usr/lib/x86_64-linux-gnu/systemd/libsystemd-core-252.so");
  // Elsewhere, ld.so.conf.d must name the directory.
  t.remove("usr/lib/x86_64-linux-gnu/systemd");
  t.add_file("opt/x/libsystemd-shared-252.so", Content::from_bytes("s"));
  EXPECT_EQ(problems(t).size(), 1u);
  t.add_file("etc/ld.so.conf.d/x.conf", Content::from_bytes("# x\n/opt/x\n"));
  EXPECT_EQ(problems(t), Lines{});
}

TEST(Consistency, ScriptInterpreters) {
  Tree t = base_tree();
  t.add_file("usr/lib/udev/hwclock-set", Content::from_bytes("#!/bin/sh\n"),
             0755, "util-linux");
  // Not executable: nothing runs it directly.
  t.add_file("usr/share/x/lib.sh", Content::from_bytes("#!/bin/zsh\n"), 0644);
  // A Python module with a "#!" line is imported, not run.
  t.add_file("usr/lib/python3.11/cgi.py",
             Content::from_bytes("#! /usr/local/bin/python\n"), 0755);
  t.add_file("usr/bin/tool", Content::from_bytes("#! /usr/bin/env perl -w\n"),
             0755, "dpkg");
  EXPECT_EQ(problems(t),
            (Lines{"/usr/bin/tool (dpkg): #! interpreter /usr/bin/env: not in "
                   "the image",
                   "/usr/bin/tool (dpkg): #! env perl: not in the image",
                   "/usr/lib/udev/hwclock-set (util-linux): #! interpreter "
                   "/bin/sh: not in the image"}));
  t.add_symlink("usr/bin/sh", "bash");
  t.remove("usr/bin/tool");
  EXPECT_EQ(problems(t), Lines{});
}

TEST(Consistency, UnitExecProgramsAndEnabledLinks) {
  Tree t = base_tree();
  t.add_file("usr/lib/systemd/system/a.service",
             Content::from_bytes("[Service]\n"
                                 "ExecStartPre=/usr/bin/missing --x\n"
                                 "ExecStart=!!bash -c true\n"
                                 "ExecStartPre=-/bin/plymouth --wait quit\n"
                                 "ExecStop=%h/specifier\n"
                                 "ExecStopPost=@\"/usr/bin/bash\" bash\n"
                                 "ExecStart=\n"),
             0644, "pkg");
  t.add_file("usr/lib/systemd/system/b.service.d/x.conf",
             Content::from_bytes("[Service]\nExecReload=nothere\n"));
  t.add_symlink("etc/systemd/system/multi-user.target.wants/c.service",
                "/usr/lib/systemd/system/c.service");
  t.add_symlink("etc/systemd/system/multi-user.target.wants/m.service",
                "/dev/null");
  EXPECT_EQ(problems(t),
            (Lines{"/etc/systemd/system/multi-user.target.wants/c.service: "
                   "enabled unit /usr/lib/systemd/system/c.service: not in "
                   "the image",
                   "/usr/lib/systemd/system/a.service:2 (pkg): ExecStartPre= "
                   "/usr/bin/missing: not in the image",
                   "/usr/lib/systemd/system/b.service.d/x.conf:2: "
                   "ExecReload= nothere: not in the image"}));
}

// A unit that tests for its own program (ConditionPathExists=) is skipped
// when the program is absent, e.g. one a system extension adds at boot.
TEST(Consistency, UnitGuardedByItsProgramsPath) {
  Tree t = base_tree();
  t.add_file("usr/lib/systemd/system/s.service",
             Content::from_bytes("[Unit]\n"
                                 "ConditionPathExists=/usr/bin/from-sysext\n"
                                 "[Service]\n"
                                 "ExecStart=/usr/bin/from-sysext\n"
                                 "ExecStartPost=/usr/bin/unguarded\n"),
             0644, "pkg");
  EXPECT_EQ(problems(t),
            (Lines{"/usr/lib/systemd/system/s.service:5 (pkg): "
                   "ExecStartPost= /usr/bin/unguarded: not in the image"}));
}

TEST(Consistency, UdevRulePrograms) {
  Tree t = base_tree();
  t.add_file("usr/lib/udev/hwclock-set", Content::from_bytes("x"), 0755);
  t.add_file(
      "usr/lib/udev/rules.d/85-hwclock.rules",
      Content::from_bytes("# comment RUN+=\"nope\"\n"
                          "KERNEL==\"rtc0\", RUN+=\"hwclock-set $root/%k\"\n"
                          "ENV{X}==\"1\", RUN{builtin}+=\"kmod load\", \\\n"
                          "  IMPORT{program}=\"/usr/bin/gone --export\"\n"
                          "PROGRAM==\"/usr/lib/udev/notexec\", RESULT==\"x\"\n"
                          "RUN+=\"$env{X}\", RUN+=\"socket:@/x\"\n"),
      0644, "util-linux");
  t.add_file("usr/lib/udev/notexec", Content::from_bytes("x"), 0644);
  EXPECT_EQ(problems(t),
            (Lines{"/usr/lib/udev/rules.d/85-hwclock.rules:3 (util-linux): "
                   "IMPORT{program} /usr/bin/gone: not in the image",
                   "/usr/lib/udev/rules.d/85-hwclock.rules:5 (util-linux): "
                   "PROGRAM /usr/lib/udev/notexec: not executable"}));
}

TEST(Consistency, Generators) {
  Tree t = base_tree();
  t.add_file("usr/lib/systemd/system-generators/g", Content::from_bytes("x"),
             0644, "extra:/x");
  t.add_symlink("etc/systemd/system-generators/masked", "/dev/null");
  EXPECT_EQ(problems(t),
            Lines{"/usr/lib/systemd/system-generators/g (extra:/x): generator "
                  "/usr/lib/systemd/system-generators/g: not executable"});
}

TEST(Consistency, ExplainListsReferencesPerFile) {
  Tree t = base_tree();
  t.add_file("usr/lib/udev/hwclock-set", Content::from_bytes("#!/bin/sh\n"),
             0755, "util-linux");
  std::string text = explain_references(t, check_consistency(t));
  EXPECT_EQ(text, "References (4 files read, 3 references, 1 unresolved):\n"
                  "  /usr/bin/bash (bash): interpreter "
                  "/lib64/ld-linux-x86-64.so.2; library libc.so.6\n"
                  "  /usr/lib/udev/hwclock-set (util-linux): #! /bin/sh (not "
                  "in the image)\n");
}
