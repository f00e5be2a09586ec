// Multi-profile UKIs: profile files, and the section table the stub walks
// (base sections, then per profile a .profile and its overrides).
#include "inspect/uki_inspect.h"
#include "output/pe.h"
#include "output/uki.h"
#include "output/uki_profile.h"
#include "pe_fixture.h"

#include <gtest/gtest.h>

namespace initpack {
namespace {

// A stand-in stub: one .sdmagic section carrying systemd's version string,
// as systemd-stub's own does.
PeImage fake_stub(int version) {
  return tiny_pe("#### LoaderInfo: systemd-stub " + std::to_string(version) +
                     ".1-1 ####",
                 ".sdmagic", kScnReadOnlyData);
}

std::vector<std::string> names(const PeImage &img) {
  std::vector<std::string> out;
  for (const PeSection &s : img.sections)
    out.push_back(s.name);
  return out;
}

TEST(UkiProfile, ParsesMkosisFormat) {
  UkiProfile p;
  std::string err;
  ASSERT_TRUE(parse_uki_profile("[UKIProfile]\n"
                                "Profile=ID=rescue\n"
                                "        TITLE=Rescue shell\n"
                                "Cmdline=systemd.unit=rescue.target\n"
                                "        quiet\n",
                                "rescue.conf", &p, &err))
      << err;
  EXPECT_EQ(p.profile, "ID=rescue\nTITLE=Rescue shell\n");
  EXPECT_EQ(p.cmdline, "systemd.unit=rescue.target quiet");
  EXPECT_EQ(uki_profile_id("TITLE=x\nID=\"quoted\"\n"), "quoted");
}

TEST(UkiProfile, ErrorsNameFileAndLine) {
  UkiProfile p;
  std::string err;
  EXPECT_FALSE(parse_uki_profile("[UKIProfile]\nProfile=TITLE=No id\n",
                                 "a.conf", &p, &err));
  EXPECT_EQ(err, "a.conf:2: Profile= needs an ID= of lower-case letters, "
                 "digits, '_', '-' or '.' (got '')");
  EXPECT_FALSE(parse_uki_profile("[UKIProfile]\nProfile=ID=x\nInitrd=y\n",
                                 "b.conf", &p, &err));
  EXPECT_EQ(err, "b.conf:3: unknown key Initrd= (expected Profile=, "
                 "Cmdline= or SignExpectedPcr=no)");
  // mkosi's SignExpectedPcr=: "no" migrates as is, "yes" is refused.
  EXPECT_TRUE(parse_uki_profile(
      "[UKIProfile]\nProfile=ID=x\nSignExpectedPcr=no\n", "d.conf", &p, &err))
      << err;
  EXPECT_FALSE(parse_uki_profile(
      "[UKIProfile]\nProfile=ID=x\nSignExpectedPcr=yes\n", "e.conf", &p, &err));
  EXPECT_EQ(err, "e.conf:3: SignExpectedPcr=yes: initpack does not sign PCR "
                 "policies (.pcrsig); remove it or set it to no");
  EXPECT_FALSE(parse_uki_profile("[UKI]\nProfile=ID=x\n", "c.conf", &p, &err));
  EXPECT_EQ(err, "c.conf:1: unknown section [UKI] (a UKI profile has only "
                 "[UKIProfile])");
}

TEST(UkiProfile, ProfilesFollowTheBaseEachWithItsOverrides) {
  PeImage uki = fake_stub(257);
  std::string err;
  ASSERT_TRUE(add_section(uki, ".cmdline", "root=/dev/vda", &err));
  ASSERT_TRUE(add_section(uki, ".linux", "kernel", &err));
  std::vector<UkiProfile> profiles = {{"ID=default\n", ""},
                                      {"ID=debug\n", "debug"}};
  ASSERT_TRUE(add_uki_profiles(uki, profiles, "root=/dev/vda", &err)) << err;
  // Profile 0 (ID=main, no overrides) is the base; the files follow.
  EXPECT_EQ(names(uki), (std::vector<std::string>{
                            ".sdmagic", ".cmdline", ".linux", ".profile",
                            ".profile", ".profile", ".cmdline"}));
  // Written and read back: table order is address order, each section on
  // its own page, the per-profile .cmdline carries base + profile words.
  PeImage back;
  ASSERT_TRUE(parse_pe(write_pe(uki), &back, &err)) << err;
  EXPECT_EQ(names(back), names(uki));
  for (size_t i = 1; i < back.sections.size(); i++) {
    EXPECT_GT(back.sections[i].virtual_address,
              back.sections[i - 1].virtual_address);
    EXPECT_EQ(back.sections[i].virtual_address % 4096, 0u);
  }
  EXPECT_EQ(section_contents(back.sections[3]), "ID=main\n");
  EXPECT_EQ(section_contents(back.sections[4]), "ID=default\n");
  EXPECT_EQ(section_contents(back.sections[6]), "root=/dev/vda debug");
  EXPECT_EQ(section_contents(*find_section(back, ".cmdline")), "root=/dev/vda");
}

TEST(UkiProfile, RefusesOldStubsAndDuplicateIds) {
  PeImage old = fake_stub(252);
  std::string err;
  EXPECT_FALSE(add_uki_profiles(old, {{"ID=a\n", ""}}, "", &err));
  EXPECT_EQ(err, "multi-profile UKIs need systemd-stub >= 257; this stub is "
                 "systemd-stub 252");
  EXPECT_EQ(old.sections.size(), 1u);
  PeImage uki = fake_stub(257);
  EXPECT_FALSE(
      add_uki_profiles(uki, {{"ID=a\n", ""}, {"ID=a\n", "x"}}, "", &err));
  EXPECT_EQ(err, "two UKI profiles have ID=a");
  PeImage mine = fake_stub(257);
  EXPECT_FALSE(add_uki_profiles(mine, {{"ID=main\n", "x"}}, "", &err));
  EXPECT_EQ(err, "ID=main is the base UKI's own profile (profile 0)");
  // No profiles: the image is left as it was.
  PeImage plain = fake_stub(252);
  EXPECT_TRUE(add_uki_profiles(plain, {}, "", &err));
  EXPECT_EQ(plain.sections.size(), 1u);
}

TEST(UkiInspect, SectionsCarryTheirProfileAndTheInitrdIsUcodeFirst) {
  PeImage uki = fake_stub(257);
  std::string err;
  ASSERT_TRUE(add_section(uki, ".cmdline", "root=/dev/vda\n", &err));
  ASSERT_TRUE(add_section(uki, ".ucode", "UCODE", &err));
  ASSERT_TRUE(add_section(uki, ".initrd", "INITRD", &err));
  ASSERT_TRUE(add_section(uki, ".linux", "kernel", &err));
  ASSERT_TRUE(add_uki_profiles(uki, {{"ID=debug\nTITLE=Debug\n", "debug"}},
                               "root=/dev/vda", &err))
      << err;
  std::string bytes = write_pe(uki);
  EXPECT_TRUE(looks_like_pe(bytes));
  EXPECT_FALSE(looks_like_pe("\x28\xb5\x2f\xfd"));
  std::string mz_junk = bytes.substr(0, 0x40);
  mz_junk[0x3c] = 0x7f; // e_lfanew past the end: no PE signature
  EXPECT_FALSE(looks_like_pe(mz_junk));
  UkiContents c;
  ASSERT_TRUE(read_uki_contents(bytes, &c, &err)) << err;
  EXPECT_EQ(c.initrd, "UCODEINITRD");
  ASSERT_EQ(c.sections.size(), 8u);
  EXPECT_EQ(c.sections[1].detail, "root=/dev/vda");
  EXPECT_EQ(c.sections[1].profile, -1);
  EXPECT_EQ(c.sections[5].detail, "ID=main");
  EXPECT_EQ(c.sections[5].profile, 0);
  EXPECT_EQ(c.sections[6].detail, "ID=debug");
  EXPECT_EQ(c.sections[7].name, ".cmdline");
  EXPECT_EQ(c.sections[7].profile, 1);
  EXPECT_EQ(c.sections[7].detail, "root=/dev/vda debug");
  // A PE image without an initrd is no UKI to list.
  PeImage addon = fake_stub(257);
  ASSERT_TRUE(layout_pe(addon, &err)) << err;
  EXPECT_FALSE(read_uki_contents(write_pe(addon), &c, &err));
  EXPECT_EQ(err,
            "a PE image without an .initrd section (not a UKI with an initrd)");
}

} // namespace
} // namespace initpack
