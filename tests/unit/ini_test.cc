// The INI reader and the value parsers of the settings table.
#include "config/ini.h"
#include "config/settings.h"
#include "config/suggest.h"

#include <gtest/gtest.h>

using namespace initpack;
using Strings = std::vector<std::string>;

static std::vector<IniSection> parse(const std::string &text, Strings *errors) {
  return parse_ini(text, "a.conf", errors);
}

TEST(ConfigIni, SectionsKeysCommentsAndLineNumbers) {
  Strings errors;
  auto secs = parse("# comment\n"
                    "; also a comment\n"
                    "[Content]\n"
                    "  Packages = lvm2   # trailing comment\n"
                    "Mirror=http://h/debian#frag\n"
                    "\n"
                    "[ Output ]\n"
                    "Format=uki\n",
                    &errors);
  EXPECT_EQ(errors, Strings{});
  ASSERT_EQ(secs.size(), 2u);
  EXPECT_EQ(secs[0].name, "Content");
  EXPECT_EQ(secs[0].line, 3);
  ASSERT_EQ(secs[0].entries.size(), 2u);
  EXPECT_EQ(secs[0].entries[0].key, "Packages");
  EXPECT_EQ(secs[0].entries[0].value, "lvm2");
  EXPECT_EQ(secs[0].entries[0].line, 4);
  // '#' not preceded by whitespace is part of the value
  EXPECT_EQ(secs[0].entries[1].value, "http://h/debian#frag");
  EXPECT_EQ(secs[1].name, "Output");
  EXPECT_EQ(secs[1].entries[0].value, "uki");
  EXPECT_EQ(secs[1].entries[0].line, 8);
}

TEST(ConfigIni, IndentedLinesContinueTheValueLikeMkosi) {
  Strings errors;
  auto secs = parse("[Content]\n"
                    "Packages=\n"
                    "    lvm2\n"
                    "    # a comment inside the list\n"
                    "    mdadm\n"
                    "Hwdb=no\n",
                    &errors);
  EXPECT_EQ(errors, Strings{});
  ASSERT_EQ(secs[0].entries.size(), 2u);
  EXPECT_EQ(secs[0].entries[0].value, "lvm2\nmdadm");
  EXPECT_EQ(secs[0].entries[1].value, "no");
}

TEST(ConfigIni, UniformlyIndentedFileIsDedentedFirst) {
  Strings errors;
  auto secs = parse("    [Content]\n"
                    "    Packages=a\n"
                    "        b\n"
                    "\n"
                    "    Hwdb=no\n",
                    &errors);
  EXPECT_EQ(errors, Strings{});
  ASSERT_EQ(secs.size(), 1u);
  ASSERT_EQ(secs[0].entries.size(), 2u);
  EXPECT_EQ(secs[0].entries[0].value, "a\nb");
  EXPECT_EQ(secs[0].entries[1].key, "Hwdb");
}

TEST(ConfigIni, TrailingBackslashJoinsLinesLikeSystemd) {
  Strings errors;
  auto secs = parse("[Content]\n"
                    "KernelCommandLine=console=ttyS0 \\\n"
                    "rd.debug \\\n"
                    "   quiet\n"
                    "Hwdb=no\n",
                    &errors);
  EXPECT_EQ(errors, Strings{});
  ASSERT_EQ(secs[0].entries.size(), 2u);
  EXPECT_EQ(secs[0].entries[0].value, "console=ttyS0 rd.debug quiet");
  EXPECT_EQ(secs[0].entries[1].line, 5);
}

TEST(ConfigIni, EveryProblemIsReportedWithFileAndLine) {
  Strings errors;
  auto secs = parse("Packages=lvm2\n"
                    "[Content\n"
                    "[Content]\n"
                    "Packages lvm2\n"
                    "=lvm2\n"
                    "[]\n"
                    "Packages=ok\n",
                    &errors);
  EXPECT_EQ(errors,
            (Strings{"a.conf:1: setting Packages= must be inside a [Section]",
                     "a.conf:2: invalid section header '[Content'",
                     "a.conf:4: expected Key=Value or [Section], got "
                     "'Packages lvm2'",
                     "a.conf:5: missing setting name before '=' in '=lvm2'",
                     "a.conf:6: empty section name '[]'"}));
  // parsing went on after the errors
  ASSERT_EQ(secs.size(), 1u);
  EXPECT_EQ(secs[0].entries.at(0).value, "ok");
}

static SettingValue parse_ok(const char *key, const std::string &raw,
                             const std::string &base = "") {
  SettingValue v;
  std::string err;
  EXPECT_TRUE(parse_setting_value(*find_setting(key), raw, base, &v, &err))
      << err;
  return v;
}

static std::string parse_err(const char *key, const std::string &raw) {
  SettingValue v;
  std::string err;
  EXPECT_FALSE(parse_setting_value(*find_setting(key), raw, "", &v, &err));
  return err;
}

TEST(ConfigValues, BooleansAcceptSystemdSpellings) {
  for (const char *yes : {"yes", "true", "on", "1", "YES", "True"})
    EXPECT_TRUE(parse_ok("Hwdb", yes).flag) << yes;
  for (const char *no : {"no", "false", "off", "0", "No"})
    EXPECT_FALSE(parse_ok("Hwdb", no).flag) << no;
  EXPECT_EQ(parse_err("Hwdb", "maybe"),
            "invalid boolean 'maybe' (expected yes/no, true/false, 1/0 or "
            "on/off)");
}

TEST(ConfigValues, EnumsListTheAllowedValuesAndTakeAliases) {
  EXPECT_EQ(parse_ok("Format", "uki").text, "uki");
  EXPECT_EQ(parse_err("Format", "tar"),
            "invalid value 'tar' (allowed: cpio, erofs, uki, sysext, confext)");
  EXPECT_EQ(parse_ok("Architecture", "x86-64").text, "amd64");
  EXPECT_EQ(parse_ok("CompressOutput", "yes").text, "zstd");
  EXPECT_EQ(parse_ok("CompressOutput", "no").text, "none");
}

TEST(ConfigValues, IntegersAreRangeChecked) {
  EXPECT_EQ(parse_ok("DownloadConnections", "16").number, 16);
  EXPECT_EQ(parse_err("DownloadConnections", "0"), "0 is out of range (1-64)");
  EXPECT_EQ(parse_err("DownloadConnections", "8x"), "invalid integer '8x'");
  EXPECT_EQ(parse_err("SourceDateEpoch", "99999999999999999999"),
            "99999999999999999999 is out of range (0-9223372036854775807)");
}

TEST(ConfigValues, ListsSplitPerSetting) {
  EXPECT_EQ(parse_ok("Packages", "a, b\tc\nd").items,
            (Strings{"a", "b", "c", "d"}));
  // kernel command lines keep their commas
  EXPECT_EQ(parse_ok("KernelCommandLine", "console=ttyS0,115200 quiet").items,
            (Strings{"console=ttyS0,115200", "quiet"}));
  // paths keep their spaces; relative sources are taken from the file's dir
  EXPECT_EQ(parse_ok("ExtraTrees", "my tree:/etc,/abs\nrel", "/cfg").items,
            (Strings{"/cfg/my tree:/etc", "/abs", "/cfg/rel"}));
  EXPECT_TRUE(parse_ok("Packages", "  ").reset);
}

TEST(ConfigValues, ScalarsRejectListsAndBadNames) {
  EXPECT_EQ(parse_err("Format", "cpio\nuki"),
            "takes one value, not a list of lines");
  EXPECT_EQ(parse_err("Mirror", "mirror.example"),
            "'mirror.example' is not an http://, https:// or file:/ URL");
  EXPECT_EQ(parse_err("Profiles", "../etc"), "'../etc' is not a valid name");
}

TEST(ConfigValues, ApplyAppendsListsAndResetsToDefaults) {
  Config c;
  const Setting &pk = *find_setting("Packages");
  apply_setting(c, pk, parse_ok("Packages", "a b"));
  apply_setting(c, pk, parse_ok("Packages", "c"));
  EXPECT_EQ(c.packages, (Strings{"a", "b", "c"}));
  apply_setting(c, pk, parse_ok("Packages", ""));
  EXPECT_EQ(c.packages, Strings{});
  const Setting &fmt = *find_setting("Format");
  apply_setting(c, fmt, parse_ok("Format", "uki"));
  EXPECT_EQ(format_name(c.format), "uki");
  apply_setting(c, fmt, parse_ok("Format", ""));
  EXPECT_EQ(format_name(c.format), "cpio");
}

TEST(ConfigSuggest, NearMissesOnly) {
  Strings keys = {"Packages", "RemovePackages", "Format", "Release"};
  EXPECT_EQ(closest_match("Pakages", keys), "Packages");
  EXPECT_EQ(closest_match("packages", keys), "Packages");
  EXPECT_EQ(closest_match("Fromat", keys), "Format");
  EXPECT_EQ(closest_match("Colour", keys), "");
}
