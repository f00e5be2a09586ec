// Reading mkosi-initrd configuration directories (config/mkosi.h) through
// load_config: mkosi's order, [Match] gating a directory, mkosi.extra/,
// mkosi.profiles/, Include=, ignored and refused keys, exact messages.
#include "config/mkosi.h"
#include "config_fixture.h"

using namespace initpack;

namespace {

using MkosiConfig = ConfigWorld;

} // namespace

TEST_F(MkosiConfig, ReadsDirectoryInMkosiOrder) {
  // Packages= appends, so the list shows the order files were read in.
  write("c/mkosi.conf", "[Content]\nPackages=main\n");
  write("c/mkosi.conf.d/20-b.conf", "[Content]\nPackages=b20\n");
  write("c/mkosi.conf.d/10-dir/mkosi.conf", "[Content]\nPackages=dir10\n");
  write("c/mkosi.conf.d/10-dir/mkosi.conf.d/05-x.conf",
        "[Content]\nPackages=dir10-x\n");
  write("c/mkosi.conf.d/30-c.conf", "[Content]\nPackages=c30\n");
  write("c/mkosi.conf.d/README", "not read\n");
  write("c/initpack.conf", "[Content]\nPackages=initpack\n");
  cli.config_dirs = {root + "/c"};
  Config c = load();
  EXPECT_EQ(errors, Strings{});
  EXPECT_EQ(c.packages,
            (Strings{"main", "dir10", "dir10-x", "b20", "c30", "initpack"}));
  EXPECT_EQ(c.origins["Packages"][2],
            root + "/c/mkosi.conf.d/10-dir/mkosi.conf.d/05-x.conf:2");
}

TEST_F(MkosiConfig, DirectoryMatchGatesTheWholeDirectory) {
  write("c/mkosi.conf", "[Distribution]\nDistribution=debian\n"
                        "Release=bookworm\n");
  write("c/mkosi.conf.d/10-fedora/mkosi.conf",
        "[Match]\nDistribution=fedora\n[Content]\nPackages=dnf\n");
  write("c/mkosi.conf.d/10-fedora/mkosi.conf.d/x.conf",
        "[Content]\nPackages=never\n");
  write("c/mkosi.conf.d/10-fedora/mkosi.extra/etc/x", "never\n");
  write("c/mkosi.conf.d/20-debian/mkosi.conf",
        "[Match]\nDistribution=debian\nRelease=bookworm\n"
        "[Content]\nPackages=apt\n");
  write("c/mkosi.conf.d/20-debian/mkosi.extra/etc/y", "yes\n");
  write("c/mkosi.conf.d/30-trixie.conf",
        "[Match]\nRelease=trixie\n[Content]\nPackages=trixie-only\n");
  cli.config_dirs = {root + "/c"};
  Config c = load_ok();
  EXPECT_EQ(c.packages, Strings{"apt"});
  EXPECT_EQ(c.extra_trees,
            Strings{root + "/c/mkosi.conf.d/20-debian/mkosi.extra"});
  EXPECT_EQ(c.origins["ExtraTrees"],
            Strings{root + "/c/mkosi.conf.d/20-debian/mkosi.extra/ "
                           "(mkosi.extra)"});
}

TEST_F(MkosiConfig, ProfilesFromMkosiProfilesAndIncludes) {
  write("c/mkosi.conf", "[Config]\nProfiles=extra\nInclude=inc.conf\n"
                        "[Content]\nPackages=after-include\n");
  write("c/inc.conf", "[Content]\nPackages=included\n");
  write("c/mkosi.profiles/extra.conf", "[Content]\nPackages=profiled\n");
  cli.config_dirs = {root + "/c"};
  Config c = load_ok();
  // No initpack profile named "extra" is asked for.
  EXPECT_EQ(c.packages, (Strings{"included", "after-include", "profiled"}));
}

TEST_F(MkosiConfig, IgnoredAndAliasedKeysWarnRefusedOnesFail) {
  write("c/mkosi.conf", "[Output]\nManifestFormat=json\n"
                        "[Content]\nKernelModulesInitrdInclude=dm-crypt\n"
                        "BuildPackages=gcc\n"
                        "[Runtime]\nRAM=2G\n"
                        "[Config]\nInclude=mkosi-initrd\n");
  write("c/mkosi.postinst", "#!/bin/sh\n");
  cli.config_dirs = {root + "/c"};
  std::string f = root + "/c/mkosi.conf";
  Config c = load();
  EXPECT_EQ(c.kernel_modules_include, Strings{"dm-crypt"});
  EXPECT_EQ(warnings,
            (Strings{f + ":2: [Output] ManifestFormat= is ignored: initpack "
                         "writes no mkosi manifest; `initpack inspect --json` "
                         "lists the image",
                     f + ":7: [Runtime] RAM= is ignored: it configures `mkosi "
                         "qemu`/`mkosi boot`; see `initpack qemu`",
                     f + ":9: [Config] Include=mkosi-initrd is ignored: "
                         "initpack's default profile is its counterpart of "
                         "mkosi's built-in initrd configuration"}));
  EXPECT_EQ(errors,
            (Strings{root + "/c/mkosi.postinst: mkosi's mkosi.postinst is not "
                            "supported: initpack runs no scripts while "
                            "building: put the files the script makes into "
                            "mkosi.extra/ (or ExtraTrees=) and name units to "
                            "start in EnableUnits=",
                     f + ":5: [Content] BuildPackages=: not supported: "
                         "initpack runs no build scripts: build the program "
                         "elsewhere and add it with ExtraTrees="}));
}

TEST_F(MkosiConfig, DirectoryWithNothingReadableIsAnError) {
  write("c/notes.txt", "nothing\n");
  cli.config_dirs = {root + "/c"};
  load();
  EXPECT_EQ(errors,
            Strings{"-C " + root +
                    "/c: no configuration initpack reads (initpack.conf, "
                    "initpack.conf.d/*.conf, mkosi.conf, mkosi.conf.d/, "
                    "mkosi.extra/)"});
}

TEST_F(MkosiConfig, IncludeCycleAndMissingPath) {
  write("c/mkosi.conf", "[Config]\nInclude=a.conf\nInclude=missing\n");
  write("c/a.conf", "[Config]\nInclude=a.conf\n");
  cli.config_dirs = {root + "/c"};
  load();
  EXPECT_EQ(errors,
            (Strings{root + "/c/a.conf:2: [Config] Include=: " + root +
                         "/c/a.conf includes itself",
                     root + "/c/mkosi.conf:3: [Config] Include=: " + root +
                         "/c/missing: no such file or directory"}));
}

TEST_F(MkosiConfig, SystemMkosiInitrdDirectories) {
  std::string sys = root + "/etc/mkosi-initrd";
  write("etc/mkosi-initrd/mkosi.conf.d/lvm.conf", "[Content]\nPackages=lvm2\n");
  cli.system_config_dirs = Strings{sys, usr, etc};
  Config c = load_ok();
  EXPECT_EQ(c.packages, Strings{"lvm2"});
  EXPECT_EQ(standard_config_dirs().front(), "/usr/lib/mkosi-initrd");
  EXPECT_EQ(standard_config_dirs()[3], "/etc/mkosi-initrd");
}
