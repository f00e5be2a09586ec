// Format=sysext/confext: extension-release content and the layout rules.
#include "output/extension.h"

#include <gtest/gtest.h>

namespace initpack {
namespace {

TEST(ExtensionRelease, ParsesOsReleaseQuoting) {
  auto f = parse_os_release("# comment\nID=debian\nVERSION_ID=\"12\"\n"
                            "PRETTY_NAME='Debian 12'\nNAME=\"a \\\"b\\\"\"\n");
  EXPECT_EQ(f["ID"], "debian");
  EXPECT_EQ(f["VERSION_ID"], "12");
  EXPECT_EQ(f["PRETTY_NAME"], "Debian 12");
  EXPECT_EQ(f["NAME"], "a \"b\"");
  EXPECT_EQ(f.count("# comment"), 0u);
}

TEST(ExtensionRelease, DefaultsIdAndVersionFromHost) {
  std::map<std::string, std::string> out;
  std::string err;
  ASSERT_TRUE(extension_release_fields(
      {"SYSEXT_SCOPE=initrd system"},
      {{"ID", "debian"}, {"VERSION_ID", "12"}, {"NAME", "Debian"}}, &out, &err))
      << err;
  EXPECT_EQ(extension_release_text(out),
            "ID=debian\nSYSEXT_SCOPE=\"initrd system\"\nVERSION_ID=12\n");
}

TEST(ExtensionRelease, GivenFieldsWin) {
  std::map<std::string, std::string> out;
  std::string err;
  ASSERT_TRUE(extension_release_fields({"ID=_any", "SYSEXT_LEVEL=1"},
                                       {{"ID", "debian"}}, &out, &err));
  EXPECT_EQ(extension_release_text(out), "ID=_any\nSYSEXT_LEVEL=1\n");
}

TEST(ExtensionRelease, Errors) {
  std::map<std::string, std::string> out;
  std::string err;
  EXPECT_FALSE(extension_release_fields({"id=debian"}, {}, &out, &err));
  EXPECT_EQ(err, "ExtensionRelease=id=debian: not KEY=VALUE with KEY of A-Z, "
                 "0-9 and _");
  EXPECT_FALSE(extension_release_fields({"VERSION_ID=12"}, {}, &out, &err));
  EXPECT_EQ(err, "ExtensionRelease=: no ID= given and none in the host's "
                 "os-release; set e.g. ExtensionRelease=ID=debian");
  EXPECT_FALSE(extension_release_fields({"ID=debian"}, {}, &out, &err));
  EXPECT_EQ(err, "ExtensionRelease=: no VERSION_ID= (the host's is for "
                 "another Release=) and no SYSEXT_LEVEL=; set one of them");
}

TEST(ExtensionName, NeedsRawSuffix) {
  std::string name, err;
  ASSERT_TRUE(extension_name("/out/dir/marker.raw", &name, &err));
  EXPECT_EQ(name, "marker");
  EXPECT_FALSE(extension_name("/out/marker.img", &name, &err));
  EXPECT_EQ(err, "Output=/out/marker.img: an extension image must be named "
                 "NAME.raw (systemd-sysext finds images and their "
                 ".verity/.roothash files by that suffix)");
  EXPECT_FALSE(extension_name(".raw", &name, &err));
}

TEST(ExtensionName, DropsClassSuffix) {
  std::string name, err;
  ASSERT_TRUE(extension_name("/out/conf.confext.raw", &name, &err));
  EXPECT_EQ(name, "conf");
  ASSERT_TRUE(extension_name("tools.sysext.raw", &name, &err));
  EXPECT_EQ(name, "tools");
  ASSERT_TRUE(extension_name(".confext.raw", &name, &err));
  EXPECT_EQ(name, ".confext");
}

Tree sample_tree() {
  Tree t;
  t.add_file("usr/bin/tool", Content::from_bytes("x"), 0755, "pkg-a");
  t.add_file("opt/vendor/data", Content::from_bytes("y"), 0644, "extra:x");
  t.add_file("etc/tool.conf", Content::from_bytes("z"), 0644, "pkg-a");
  t.add_dir("var/lib/tool", 0755, "pkg-a");
  t.add_symlink("bin", "usr/bin", "initpack:usrmerge");
  return t;
}

TEST(ExtensionLayout, SysextKeepsUsrAndOpt) {
  Tree t = sample_tree();
  std::vector<std::string> outside;
  prune_extension_tree(t, false, &outside);
  EXPECT_EQ(outside, std::vector<std::string>{"/etc/tool.conf (pkg-a)"});
  EXPECT_TRUE(t.contains("usr/bin/tool"));
  EXPECT_TRUE(t.contains("opt/vendor/data"));
  EXPECT_FALSE(t.contains("var/lib/tool")); // empty: dropped silently
  EXPECT_FALSE(t.contains("var"));
  EXPECT_FALSE(t.contains("bin")); // the base has the merged-/usr links
  EXPECT_TRUE(t.contains("etc"));  // holds the offending file
}

TEST(ExtensionLayout, ConfextKeepsEtc) {
  Tree t = sample_tree();
  std::vector<std::string> outside;
  prune_extension_tree(t, true, &outside);
  EXPECT_EQ(outside, (std::vector<std::string>{"/opt/vendor/data (extra:x)",
                                               "/usr/bin/tool (pkg-a)"}));
  EXPECT_TRUE(t.contains("etc/tool.conf"));
}

TEST(ExtensionLayout, CleanSysextHasNoErrors) {
  Tree t;
  t.add_file("usr/lib/x", Content::from_bytes("x"), 0644, "p");
  t.add_dir("etc", 0755, "p");
  std::vector<std::string> outside;
  prune_extension_tree(t, false, &outside);
  EXPECT_TRUE(outside.empty());
  EXPECT_FALSE(t.contains("etc"));
}

} // namespace
} // namespace initpack
