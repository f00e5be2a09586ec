// [Match] and [TriggerMatch]: OR, negation, no match, values from earlier
// files and the command line.
#include "config_fixture.h"

using namespace initpack;

TEST_F(ConfigWorld, MatchSkipsFilesWhoseConditionsFail) {
  write("etc/initpack/initpack.conf.d/10-debian.conf",
        "[Match]\nDistribution=debian\n[Content]\nPackages=debian\n");
  std::string no = write("etc/initpack/initpack.conf.d/20-fedora.conf",
                         "[Content]\nPackages=fedora\n"
                         "[Match]\nDistribution=fedora\n");
  Config c = load_ok();
  EXPECT_EQ(c.packages, Strings{"debian"}); // [Match] at the end counts too
  bool skipped = false;
  for (const ConfigFile &f : c.config_files)
    skipped = skipped || (f.path == no && !f.matched);
  EXPECT_TRUE(skipped);
}

TEST_F(ConfigWorld, TriggeringConditionsAreOredNegationInverts) {
  write("etc/initpack/initpack.conf.d/10-or.conf",
        "[Match]\nFormat=|uki\nFormat=|cpio\n[Content]\nPackages=or\n");
  write("etc/initpack/initpack.conf.d/20-not-arm.conf",
        "[Match]\nArchitecture=!arm64\n[Content]\nPackages=not-arm\n");
  write("etc/initpack/initpack.conf.d/30-neither.conf",
        "[Match]\nFormat=|erofs\nFormat=|uki\n[Content]\nPackages=neither\n");
  write("etc/initpack/initpack.conf.d/40-not-and-or.conf",
        "[Match]\nFormat=|!erofs\nArchitecture=x86-64\n"
        "[Content]\nPackages=not-and-or\n");
  Config c = load_ok();
  EXPECT_EQ(c.packages, (Strings{"or", "not-arm", "not-and-or"}));
  cli.values["Architecture"] = {"arm64"};
  cli.values["Format"] = {"erofs"};
  EXPECT_EQ(load_ok().packages, Strings{"neither"});
}

TEST_F(ConfigWorld, EveryMatchSectionMustHoldAndOneTriggerMatch) {
  write("etc/initpack/initpack.conf.d/10.conf",
        "[Match]\nFormat=cpio\n[Match]\nArchitecture=arm64\n"
        "[Content]\nPackages=two-sections\n");
  write("etc/initpack/initpack.conf.d/20.conf",
        "[TriggerMatch]\nDistribution=debian\nRelease=trixie\n"
        "[TriggerMatch]\nDistribution=debian\nRelease=bookworm\n"
        "[Content]\nPackages=trigger-sections\n");
  Config c = load_ok();
  EXPECT_EQ(c.packages, Strings{"trigger-sections"});
  cli.values["Release"] = {"sid"};
  EXPECT_EQ(load_ok().packages, Strings{});
}

TEST_F(ConfigWorld, MatchSeesEarlierFilesAndTheCommandLine) {
  write("etc/initpack/initpack.conf", "[Output]\nFormat=uki\n");
  write("etc/initpack/initpack.conf.d/10.conf",
        "[Match]\nFormat=uki\n[Content]\nPackages=uki-only\n");
  write("etc/initpack/initpack.conf.d/20.conf",
        "[Match]\nKernelVersion=6.1.*\n[Content]\nPackages=kernel-6.1\n");
  write("etc/initpack/initpack.conf.d/30.conf",
        "[Match]\nProfiles=lvm\n[Content]\nPackages=with-lvm\n");
  write("profiles/lvm/profile.conf", "");
  // No kernel version configured: KernelVersion= cannot match.
  EXPECT_EQ(load_ok().packages, Strings{"uki-only"});
  cli.values["KernelVersion"] = {"6.1.0-26-amd64"};
  cli.values["Profiles"] = {"lvm"};
  cli.values["Format"] = {"cpio"}; // the command line is known up front
  EXPECT_EQ(load_ok().packages, (Strings{"kernel-6.1", "with-lvm"}));
}

TEST_F(ConfigWorld, ReleaseMatchesTheHostWhileNoneIsConfigured) {
  write("etc/initpack/initpack.conf.d/10.conf",
        "[Match]\nRelease=bookworm\n[Content]\nPackages=bookworm\n");
  EXPECT_EQ(load_ok().packages, Strings{"bookworm"}); // from os-release
  cli.values["Release"] = {"trixie"};
  EXPECT_EQ(load_ok().packages, Strings{});
}

TEST_F(ConfigWorld, PathExistsIsRelativeToTheFile) {
  write("etc/initpack/marker", "");
  write("etc/initpack/initpack.conf",
        "[Match]\nPathExists=marker\n[Content]\nPackages=marked\n");
  EXPECT_EQ(load_ok().packages, Strings{"marked"});
}

TEST_F(ConfigWorld, UnknownMatchConditionIsAnError) {
  std::string f = write("etc/initpack/initpack.conf",
                        "[Match]\nDistribtion=debian\nImageId=x\n");
  load();
  EXPECT_EQ(
      errors,
      (Strings{f + ":2: [Match] Distribtion=: unknown match condition; did "
                   "you mean Distribution=? (supported: Architecture= "
                   "Distribution= Format= KernelVersion= PathExists= "
                   "Profiles= Release= Repositories=)",
               f + ":3: [Match] ImageId=: unknown match condition "
                   "(supported: Architecture= Distribution= Format= "
                   "KernelVersion= PathExists= Profiles= Release= "
                   "Repositories=)"}));
}
