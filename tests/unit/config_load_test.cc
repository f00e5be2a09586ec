// Files, drop-ins, precedence, merging, the command line and the exact
// error messages of load_config.
#include "config_fixture.h"
#include "context.h"

#include <CLI/CLI.hpp>

using namespace initpack;

TEST_F(ConfigWorld, NoFilesGivesTheDefaults) {
  Config c = load_ok();
  EXPECT_EQ(format_name(c.format), "cpio");
  EXPECT_EQ(c.compression, std::nullopt); // the format's default:
  EXPECT_EQ(compression_name(c.encoding.compression), "zstd");
  EXPECT_FALSE(c.hwdb); // dracut-like default
  EXPECT_EQ(c.origins["Format"], Strings{"default"});
  EXPECT_EQ(c.config_files.size(), 1u); // the default profile only
}

TEST_F(ConfigWorld, DropInsAreSortedByNameAcrossDirectories) {
  // Packages= appends, so the list shows the order files were read in.
  write("usr/lib/initpack/initpack.conf", "[Content]\nPackages=usr-main\n");
  write("etc/initpack/initpack.conf", "[Content]\nPackages=etc-main\n");
  write("usr/lib/initpack/initpack.conf.d/10-a.conf",
        "[Content]\nPackages=usr-10\n");
  write("etc/initpack/initpack.conf.d/20-b.conf",
        "[Content]\nPackages=etc-20\n");
  write("usr/lib/initpack/initpack.conf.d/30-c.conf",
        "[Content]\nPackages=usr-30\n");
  write("usr/lib/initpack/initpack.conf.d/README", "not a .conf\n");
  write("etc/initpack/initpack.conf.d/.hidden.conf", "[Bad\n");
  Config c = load_ok();
  EXPECT_EQ(c.packages,
            (Strings{"usr-main", "etc-main", "usr-10", "etc-20", "usr-30"}));
}

TEST_F(ConfigWorld, LaterDirectoryMasksDropInOfTheSameName) {
  write("usr/lib/initpack/initpack.conf.d/50-x.conf",
        "[Content]\nPackages=from-usr\n");
  write("etc/initpack/initpack.conf.d/50-x.conf",
        "[Content]\nPackages=from-etc\n");
  write("usr/lib/initpack/initpack.conf.d/60-y.conf",
        "[Content]\nPackages=masked-by-dev-null\n");
  ASSERT_EQ(symlink("/dev/null", (etc + "/initpack.conf.d/60-y.conf").c_str()),
            0);
  write("cdir/initpack.conf.d/50-x.conf", "[Content]\nPackages=from-C\n");
  cli.config_dirs = {root + "/cdir"};
  Config c = load_ok();
  EXPECT_EQ(c.packages, Strings{"from-C"});
  EXPECT_EQ(c.origins["Packages"],
            Strings{root + "/cdir/initpack.conf.d/50-x.conf:2"});
  EXPECT_NE(std::find(notes.begin(), notes.end(),
                      root + "/cdir/initpack.conf.d/50-x.conf masks " + etc +
                          "/initpack.conf.d/50-x.conf"),
            notes.end());
}

TEST_F(ConfigWorld, ListsAppendEmptyResetsScalarsLastWins) {
  write("etc/initpack/initpack.conf", "[Content]\n"
                                      "Packages=a b\n"
                                      "Packages=\n"
                                      "Packages=c\n"
                                      "[Output]\n"
                                      "Format=uki\n"
                                      "Output=/tmp/first.img\n");
  write("etc/initpack/initpack.conf.d/10.conf", "[Content]\n"
                                                "Packages=d\n"
                                                "[Output]\n"
                                                "Format=\n"
                                                "Output=/tmp/second.img\n");
  Config c = load_ok();
  EXPECT_EQ(c.packages, (Strings{"c", "d"}));
  EXPECT_EQ(format_name(c.format),
            "cpio"); // the empty assignment restored the default
  EXPECT_EQ(c.output, "/tmp/second.img");
  // the reset shows, so a user can see where a list was emptied
  EXPECT_EQ(c.origins["Packages"],
            (Strings{etc + "/initpack.conf:3", etc + "/initpack.conf:4",
                     etc + "/initpack.conf.d/10.conf:2"}));
  EXPECT_EQ(c.origins["Output"], Strings{etc + "/initpack.conf.d/10.conf:5"});
}

TEST_F(ConfigWorld, EachListItemKnowsTheAssignmentThatAddedIt) {
  write("etc/initpack/initpack.conf", "[Content]\n"
                                      "RemovePackages=a b\n"
                                      "RemovePackages=\n"
                                      "RemovePackages=c\n");
  write("etc/initpack/initpack.conf.d/10.conf", "[Content]\n"
                                                "RemovePackages=d c\n");
  cli.values["RemovePackages"] = {"e"};
  Config c = load_ok();
  using Items = std::map<std::string, std::string>;
  EXPECT_EQ(c.item_origins["RemovePackages"],
            (Items{{"c", etc + "/initpack.conf.d/10.conf:2"},
                   {"d", etc + "/initpack.conf.d/10.conf:2"},
                   {"e", "command line (--remove-package)"}}));
}

TEST_F(ConfigWorld, CommandLineWinsAndAppendsAfterFiles) {
  write("etc/initpack/initpack.conf", "[Content]\nPackages=a\nHwdb=no\n"
                                      "[Output]\nFormat=uki\n");
  cli.values["Packages"] = {"b,c"};
  cli.values["Format"] = {"erofs"};
  cli.values["Hwdb"] = {"true"};
  Config c = load_ok();
  EXPECT_EQ(c.packages, (Strings{"a", "b", "c"}));
  EXPECT_EQ(format_name(c.format), "erofs");
  EXPECT_TRUE(c.hwdb);
  EXPECT_EQ(c.origins["Format"], Strings{"command line (--format)"});
  EXPECT_EQ(c.origins["Packages"],
            (Strings{etc + "/initpack.conf:2", "command line (--package)"}));
  cli.values["Packages"] = {"", "z"}; // --package '' resets the files' too
  EXPECT_EQ(load_ok().packages, Strings{"z"});
}

TEST_F(ConfigWorld, RelativeInputPathsAreTakenFromTheFilesDirectory) {
  write("cdir/initpack.conf", "[Content]\nExtraTrees=overlay:/etc\n"
                              "[Distribution]\nKeyring=keys/a.gpg\n");
  cli.config_dirs = {root + "/cdir"};
  cli.values["ExtraTrees"] = {"rel"};
  Config c = load_ok();
  EXPECT_EQ(c.extra_trees, (Strings{root + "/cdir/overlay:/etc", "rel"}));
  EXPECT_EQ(c.keyrings, Strings{root + "/cdir/keys/a.gpg"});
}

TEST_F(ConfigWorld, SourceDateEpochFallsBackToTheEnvironment) {
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  Config c = load_ok();
  EXPECT_EQ(c.source_date_epoch, 1700000000);
  EXPECT_EQ(c.origins["SourceDateEpoch"],
            Strings{"environment ($SOURCE_DATE_EPOCH)"});
  cli.values["SourceDateEpoch"] = {"42"};
  EXPECT_EQ(load_ok().source_date_epoch, 42);
  cli.values.clear();
  setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
  load();
  EXPECT_EQ(errors, Strings{"$SOURCE_DATE_EPOCH: invalid integer 'yesterday'"});
  unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_FALSE(load_ok().source_date_epoch.has_value());
}

TEST_F(ConfigWorld, EveryErrorIsReportedWithFileLineSectionAndKey) {
  std::string f = write("etc/initpack/initpack.conf", "Packages=outside\n"
                                                      "[Contnet]\n"
                                                      "Packages=ignored\n"
                                                      "[Content]\n"
                                                      "Pakages=lvm2\n"
                                                      "WithRecommends=maybe\n"
                                                      "Packages lvm2\n"
                                                      "Format=uki\n"
                                                      "[Output]\n"
                                                      "Format=tar\n"
                                                      "CompressLevel=x\n"
                                                      "[Build]\n"
                                                      "Colour=blue\n");
  load();
  EXPECT_EQ(
      errors,
      (Strings{
          f + ":1: setting Packages= must be inside a [Section]",
          f + ":2: unknown section [Contnet]; did you mean [Content]?",
          f + ":5: [Content] Pakages=: unknown setting; did you mean "
              "Packages=?",
          f + ":6: [Content] WithRecommends=: invalid boolean 'maybe' "
              "(expected yes/no, true/false, 1/0 or on/off)",
          f + ":7: expected Key=Value or [Section], got 'Packages lvm2'",
          f + ":8: [Content] Format=: belongs in [Output]",
          f + ":10: [Output] Format=: invalid value 'tar' (allowed: cpio, "
              "erofs, uki, sysext, confext)",
          f + ":11: [Output] CompressLevel=: invalid integer 'x'",
          f + ":13: [Build] Colour=: unknown setting",
      }));
}

TEST_F(ConfigWorld, SuggestionNamesTheSectionWhenItDiffers) {
  std::string f = write("etc/initpack/initpack.conf", "[Build]\nPakages=a\n");
  load();
  EXPECT_EQ(errors, Strings{f + ":2: [Build] Pakages=: unknown setting; did "
                                "you mean [Content] Packages=?"});
}

TEST_F(ConfigWorld, CommandLineErrorsNameTheFlag) {
  cli.values["Format"] = {"tar"};
  cli.values["Hwdb"] = {"perhaps"};
  cli.config_dirs = {root + "/missing"};
  load();
  EXPECT_EQ(errors,
            (Strings{"--hwdb: invalid boolean 'perhaps' (expected yes/no, "
                     "true/false, 1/0 or on/off)",
                     "--format: invalid value 'tar' (allowed: cpio, erofs, "
                     "uki, sysext, confext)",
                     "-C " + root + "/missing: not a directory"}));
}

TEST_F(ConfigWorld, CompressionLevelIsCheckedAgainstTheCompressor) {
  std::string f = write("etc/initpack/initpack.conf",
                        "[Output]\nCompressOutput=gzip\nCompressLevel=15\n");
  load();
  EXPECT_EQ(errors, Strings{f + ":3: [Output] CompressLevel=: level 15 is "
                                "out of range for gzip (1-9)"});
  cli.values["CompressOutput"] = {"zstd"};
  EXPECT_EQ(load_ok().compression_level, 15);
}

// The mode reaches the encoding: KernelModulesIncludeHost= (--hostonly)
// moves zstd's default level from 3 to 18, and a CompressLevel= that is
// set stays as written.
TEST_F(ConfigWorld, HostonlyRaisesTheDefaultZstdLevel) {
  EXPECT_EQ(load_ok().encoding.level, 3);
  write("etc/initpack/initpack.conf",
        "[Content]\nKernelModulesIncludeHost=yes\n");
  Config c = load_ok();
  ASSERT_TRUE(c.hostonly);
  EXPECT_EQ(c.encoding.compression, Compression::Zstd);
  EXPECT_EQ(c.encoding.level, 18);
  cli.values["CompressLevel"] = {"7"};
  EXPECT_EQ(load_ok().encoding.level, 7);
}

// The options add_config_options registers fill CliConfig as the loader
// expects: repeatable lists, negatable flags, -C.
TEST_F(ConfigWorld, CommandLineOptionsFromTheTable) {
  write("cdir/initpack.conf", "[Output]\nFormat=uki\n");
  CLI::App app{"test"};
  CliConfig parsed = cli;
  parsed.values.clear();
  add_config_options(app, parsed);
  std::vector<std::string> args = {"test",
                                   "-p",
                                   "a",
                                   "--package",
                                   "b,c",
                                   "--hostonly",
                                   "--hwdb",
                                   "-C",
                                   root + "/cdir",
                                   "--compression=no",
                                   "--kernel-command-line",
                                   "console=ttyS0 quiet",
                                   "--offline",
                                   "--online",
                                   "-k",
                                   "6.1.0-26-amd64"};
  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  ASSERT_NO_THROW(app.parse(static_cast<int>(argv.size()),
                            const_cast<char **>(argv.data())));
  Config c = resolve_config(parsed, &errors);
  EXPECT_EQ(errors, Strings{});
  EXPECT_EQ(c.packages, (Strings{"a", "b", "c"}));
  EXPECT_TRUE(c.hostonly);
  EXPECT_TRUE(c.hwdb);
  EXPECT_FALSE(c.offline); // --online came last
  EXPECT_EQ(format_name(c.format), "uki");
  EXPECT_EQ(compression_name(c.encoding.compression), "none");
  EXPECT_EQ(c.kernel_command_line, (Strings{"console=ttyS0", "quiet"}));
  EXPECT_EQ(c.kernel_version, "6.1.0-26-amd64");
}

TEST_F(ConfigWorld, LoadConfigReportsAllErrorsThenStops) {
  write("etc/initpack/initpack.conf", "[Output]\nFormat=tar\nOutput=x\n"
                                      "[Content]\nHwdb=maybe\n");
  Context ctx;
  ctx.diag.quiet = true;
  try {
    load_config(ctx, cli);
    FAIL() << "load_config did not stop";
  } catch (const FatalError &e) {
    EXPECT_STREQ(e.what(), "2 errors, stopping");
  }
  EXPECT_EQ(ctx.diag.error_count, 2);
}

TEST_F(ConfigWorld, LoadConfigFillsTheContext) {
  write("etc/initpack/initpack.conf", "[Kernel]\nKernelVersion=6.1.0-9\n");
  write("cdir/initpack.conf", "");
  cli.config_dirs = {root + "/cdir"};
  Context ctx;
  load_config(ctx, cli);
  EXPECT_EQ(ctx.config.kernel_version, "6.1.0-9");
}

// No Release=: [Match] Release= sees the release the packages will come
// from, the first suite of the apt sources under --apt-root, else that
// root's os-release; -r still wins.
TEST_F(ConfigWorld, DefaultReleaseFollowsTheAptRoot) {
  write("etc/initpack/initpack.conf.d/10.conf",
        "[Match]\nRelease=trixie\n[Content]\nPackages=trixie-names\n");
  cli.os_release.clear();
  write("trixie-root/etc/apt/sources.list.d/debian.sources",
        "Types: deb\nURIs: http://mirror.invalid/debian\n"
        "Suites: trixie trixie-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://mirror.invalid/debian-security\n"
        "Suites: trixie-security\nComponents: main\n");
  cli.values["AptRoot"] = {root + "/trixie-root"};
  EXPECT_EQ(load_ok().packages, Strings{"trixie-names"});
  write("bare-root/etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n");
  cli.values["AptRoot"] = {root + "/bare-root"};
  EXPECT_EQ(load_ok().packages, Strings{"trixie-names"});
  write("bookworm-root/etc/apt/sources.list",
        "deb http://mirror.invalid/debian bookworm main\n");
  cli.values["AptRoot"] = {root + "/bookworm-root"};
  EXPECT_EQ(load_ok().packages, Strings{});
  cli.values["Release"] = {"trixie"};
  EXPECT_EQ(load_ok().packages, Strings{"trixie-names"});
}
