// dracut.conf files (config/dracut.h): the shell subset that is read, the
// mapping of each option, and --dracut-config through load_config with
// origins and the exact warnings and errors.
#include "config/dracut.h"
#include "config_fixture.h"

using namespace initpack;

namespace {

std::vector<DracutAssignment> parse_ok(std::string_view text) {
  std::vector<DracutAssignment> out;
  std::string err;
  EXPECT_TRUE(parse_dracut_conf(text, &out, &err)) << err;
  return out;
}

std::string parse_error(std::string_view text) {
  std::vector<DracutAssignment> out;
  std::string err;
  EXPECT_FALSE(parse_dracut_conf(text, &out, &err));
  return err;
}

std::vector<std::pair<std::string, std::string>>
settings_of(const std::string &name, const std::string &value) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const DracutSetting &s :
       dracut_option_settings({1, name, true, value}).settings)
    out.emplace_back(s.key, s.value);
  return out;
}

std::vector<std::string> ignored_of(const std::string &name,
                                    const std::string &value) {
  return dracut_option_settings({1, name, false, value}).ignored;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

using DracutConfig = ConfigWorld;

} // namespace

TEST(DracutConf, ReadsTheAssignmentsDracutConfFilesAreWrittenIn) {
  auto a = parse_ok("# comment\n"
                    "\n"
                    "add_drivers+=\" virtio_blk  nvme \"\n"
                    "  hostonly='yes'   # trailing comment\n"
                    "compress=zstd\n"
                    "kernel_cmdline=\"rd.luks.uuid=1\n"
                    "  quiet \\\"x\\\" \\$HOME\"\n"
                    "omit_drivers=\"\"\n");
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].line, 3);
  EXPECT_EQ(a[0].name, "add_drivers");
  EXPECT_TRUE(a[0].append);
  EXPECT_EQ(a[0].value, " virtio_blk  nvme ");
  EXPECT_EQ(a[1].line, 4);
  EXPECT_FALSE(a[1].append);
  EXPECT_EQ(a[1].value, "yes");
  EXPECT_EQ(a[2].value, "zstd");
  EXPECT_EQ(a[3].line, 6);
  EXPECT_EQ(a[3].value, "rd.luks.uuid=1\n  quiet \"x\" $HOME");
  EXPECT_EQ(a[4].line, 8); // the multi-line value counted its lines
  EXPECT_EQ(a[4].value, "");
}

TEST(DracutConf, ShellBeyondAssignmentsIsAnErrorNamingTheLine) {
  EXPECT_EQ(parse_error("a=1\nadd_drivers+=\" $EXTRA \"\n"),
            "2: shell expansion ($) is not supported: write the value out");
  EXPECT_EQ(parse_error("x=\"$(uname -r)\"\n"),
            "1: shell expansion ($) is not supported: write the value out");
  EXPECT_EQ(parse_error("if true; then a=1; fi\n"),
            "1: not an assignment: initpack reads name=\"value\" and "
            "name+=\" value \" lines");
  EXPECT_EQ(parse_error("a=\"x\" b=\"y\"\n"),
            "1: text after the value: one assignment a line");
  EXPECT_EQ(parse_error("a=\"open\n"), "1: unterminated \"");
  EXPECT_EQ(parse_error("a=b;c\n"),
            "1: ';' in an unquoted value is not supported: quote the value");
}

TEST(DracutConf, OptionsMapToInitpackSettings) {
  EXPECT_EQ(
      settings_of("add_drivers", " a  b "),
      (Pairs{{"KernelModulesInclude", "a"}, {"KernelModulesInclude", "b"}}));
  EXPECT_EQ(settings_of("force_drivers", "dm_crypt"),
            (Pairs{{"KernelModulesLoad", "dm_crypt"}}));
  EXPECT_EQ(settings_of("omit_drivers", "floppy"),
            (Pairs{{"KernelModulesExclude", "floppy"}}));
  EXPECT_EQ(settings_of("filesystems", "xfs"),
            (Pairs{{"KernelModulesInclude", "xfs"}}));
  EXPECT_EQ(settings_of("install_items", "/etc/a /etc/b"),
            (Pairs{{"ExtraTrees", "/etc/a"}, {"ExtraTrees", "/etc/b"}}));
  EXPECT_EQ(settings_of("install_optional_items", "/ /no/such/path"),
            (Pairs{{"ExtraTrees", "/"}}));
  EXPECT_EQ(settings_of("add_dracutmodules",
                        " lvm crypt mdraid systemd nvmf network-manager "),
            (Pairs{{"Profiles", "lvm"},
                   {"Profiles", "luks"},
                   {"Profiles", "raid"},
                   {"Profiles", "nvme-tcp"},
                   {"Profiles", "networkmanager"}}));
  EXPECT_EQ(settings_of("compress", "zstd -15 -T0"),
            (Pairs{{"CompressOutput", "zstd"}, {"CompressLevel", "15"}}));
  EXPECT_EQ(settings_of("compress", "cat"),
            (Pairs{{"CompressOutput", "none"}}));
  EXPECT_EQ(settings_of("hostonly", "yes"),
            (Pairs{{"KernelModulesIncludeHost", "yes"}}));
  EXPECT_EQ(settings_of("hostonly", "no"),
            (Pairs{{"KernelModulesIncludeHost", "no"}}));
  EXPECT_EQ(settings_of("uefi", "yes"), (Pairs{{"Format", "uki"}}));
  EXPECT_EQ(settings_of("kernel_cmdline", "quiet"),
            (Pairs{{"KernelCommandLine", "quiet"}}));
  EXPECT_EQ(settings_of("early_microcode", "yes"),
            (Pairs{{"Microcode", "yes"}}));
}

TEST(DracutConf, WhatDoesNotMapIsSaidWithTheReason) {
  EXPECT_EQ(
      ignored_of("add_dracutmodules", "plymouth lvm"),
      (Strings{"dracut module 'plymouth': initpack has no profile for it"}));
  EXPECT_EQ(ignored_of("compress", "zstd -T0"),
            (Strings{"compressor argument '-T0': initpack chooses threads and "
                     "options itself"}));
  EXPECT_EQ(ignored_of("compress", "bzip2"),
            (Strings{"compressor 'bzip2': initpack writes zstd, xz, gzip, lz4 "
                     "or none"}));
  EXPECT_EQ(ignored_of("do_strip", "yes"),
            (Strings{"Debian's packages are stripped already"}));
  EXPECT_EQ(ignored_of("i18n_vars", "x"),
            (Strings{"initpack has no equivalent"}));
  EXPECT_TRUE(ignored_of("add_dracutmodules", "systemd base").empty());
}

TEST_F(DracutConfig, DracutConfigIsReadBelowInitpacksFiles) {
  write("profiles/lvm/profile.conf", "[Content]\nPackages=lvm2\n");
  std::string d = write("dracut.conf.d/10-drivers.conf",
                        "add_drivers+=\" virtio_blk \"\n"
                        "force_drivers+=\" dm_crypt \"\n"
                        "add_dracutmodules+=\" lvm plymouth \"\n"
                        "compress=\"xz\"\n"
                        "do_strip=yes\n");
  write("dracut.conf.d/README", "not read\n");
  write("etc/initpack/initpack.conf", "[Output]\nCompressOutput=zstd\n");
  cli.dracut_configs = {root + "/dracut.conf.d"};
  Config c = load();
  EXPECT_EQ(errors, Strings{});
  EXPECT_EQ(c.kernel_modules_include, Strings{"virtio_blk"});
  EXPECT_EQ(c.origins["KernelModulesInclude"],
            Strings{d + ":1 (dracut add_drivers)"});
  EXPECT_EQ(c.kernel_modules_load, Strings{"dm_crypt"});
  EXPECT_EQ(c.profiles, Strings{"lvm"});
  EXPECT_NE(std::find(c.packages.begin(), c.packages.end(), "lvm2"),
            c.packages.end());
  // initpack's own file overrides the dracut file.
  EXPECT_EQ(compression_name(c.encoding.compression), "zstd");
  EXPECT_EQ(warnings,
            (Strings{d + ":3: add_dracutmodules+= is not used: dracut module "
                         "'plymouth': initpack has no profile for it",
                     d + ":5: do_strip= is not used: Debian's packages are "
                         "stripped already"}));
}

TEST_F(DracutConfig, BadDracutConfigIsAnErrorNamingFileAndLine) {
  std::string f = write("dracut.conf", "hostonly=yes\nadd_drivers+=\"$X\"\n");
  cli.dracut_configs = {f, root + "/missing.conf", root + "/profiles"};
  load();
  EXPECT_EQ(
      errors,
      (Strings{f + ":2: shell expansion ($) is not supported: write the "
                   "value out",
               "--dracut-config: cannot open " + root +
                   "/missing.conf: No such file or directory",
               "--dracut-config " + root + "/profiles: no *.conf file in it"}));
  std::string bad = write("bad.conf", "compress=\"zstd -99\"\n");
  cli.dracut_configs = {bad};
  load();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(
      errors[0].starts_with(bad + ":1: compress= (as CompressLevel=): "))
      << errors[0];
}
