// Profiles: the default first, nesting, trees, cycles, unknown names.
#include "config_fixture.h"

#include "config/profiles.h"

using namespace initpack;

static Strings names(const Config &c) {
  Strings out;
  for (const AppliedProfile &p : c.applied_profiles)
    out.push_back(p.name);
  return out;
}

TEST_F(ConfigWorld, DefaultProfileFirstNestedProfilesBeforeTheirUser) {
  write("profiles/default/profile.conf", "[Content]\nPackages=systemd\n");
  write("profiles/network/profile.conf",
        "[Content]\nPackages=systemd-networkd\n");
  write("profiles/nfs/profile.conf",
        "[Config]\nProfiles=network\n[Content]\nPackages=nfs-common\n");
  write("profiles/lvm/profile.conf", "[Content]\nPackages=lvm2\n");
  write("etc/initpack/initpack.conf",
        "[Config]\nProfiles=nfs lvm\n[Content]\nPackages=mine\n");
  cli.values["Profiles"] = {"network"}; // already applied: once only
  Config c = load_ok();
  EXPECT_EQ(names(c), (Strings{"default", "network", "nfs", "lvm"}));
  EXPECT_EQ(c.profiles, (Strings{"nfs", "lvm", "network"}));
  // profiles are the bottom layer: their packages come before the files'
  EXPECT_EQ(c.packages, (Strings{"systemd", "systemd-networkd", "nfs-common",
                                 "lvm2", "mine"}));
  EXPECT_EQ(c.origins["Packages"][2],
            "profile nfs (" + profiles + "/nfs/profile.conf:4)");
  EXPECT_EQ(c.applied_profiles[2].dir, profiles + "/nfs");
}

TEST_F(ConfigWorld, FilesOverrideProfileScalarsAndResetTheirLists) {
  write("profiles/default/profile.conf",
        "[Output]\nFormat=erofs\n[Content]\nPackages=systemd\n");
  EXPECT_EQ(format_name(load_ok().format), "erofs");
  write("etc/initpack/initpack.conf",
        "[Output]\nFormat=uki\n[Content]\nPackages=\nPackages=busybox\n");
  Config c = load_ok();
  EXPECT_EQ(format_name(c.format), "uki");
  EXPECT_EQ(c.packages, Strings{"busybox"});
}

TEST_F(ConfigWorld, ProfileTreesComeFirstInExtraTrees) {
  write("profiles/default/tree/etc/initrd-release", "x\n");
  write("profiles/lvm/profile.conf", "");
  write("profiles/lvm/tree/etc/lvm/lvm.conf", "x\n");
  write("etc/initpack/initpack.conf",
        "[Config]\nProfiles=lvm\n[Content]\nExtraTrees=/srv/overlay\n");
  Config c = load_ok();
  EXPECT_EQ(c.extra_trees, (Strings{profiles + "/default/tree",
                                    profiles + "/lvm/tree", "/srv/overlay"}));
  EXPECT_EQ(c.applied_profiles[1].tree, profiles + "/lvm/tree");
  EXPECT_EQ(c.origins["ExtraTrees"],
            (Strings{"profile default (tree/)", "profile lvm (tree/)",
                     etc + "/initpack.conf:4"}));
}

TEST_F(ConfigWorld, ProfileCycleIsAnError) {
  write("profiles/a/profile.conf", "[Config]\nProfiles=b\n");
  std::string b = write("profiles/b/profile.conf", "[Config]\nProfiles=a\n");
  cli.values["Profiles"] = {"a"};
  load();
  EXPECT_EQ(errors, Strings{b + ":2: [Config] Profiles=: profile cycle: "
                                "a -> b -> a"});
}

TEST_F(ConfigWorld, UnknownProfileListsTheAvailableOnes) {
  write("profiles/lvm/profile.conf", "");
  write("profiles/luks/profile.conf", "");
  write("profiles/not-a-profile/README", "");
  std::string f = write("etc/initpack/initpack.conf",
                        "[Config]\nProfiles=lvn\nProfiles=zfs\n");
  cli.values["Profiles"] = {"nfs"};
  load();
  EXPECT_EQ(errors,
            (Strings{f + ":2: [Config] Profiles=: unknown profile 'lvn'; did "
                         "you mean lvm? (available: default, luks, lvm)",
                     f + ":3: [Config] Profiles=: unknown profile 'zfs' "
                         "(available: default, luks, lvm)",
                     "--profile: unknown profile 'nfs' (available: default, "
                     "luks, lvm)"}));
}

TEST_F(ConfigWorld, ProfileWithFailedMatchIsNotApplied) {
  write("profiles/arm/profile.conf",
        "[Match]\nArchitecture=arm64\n[Content]\nPackages=arm-only\n");
  write("profiles/arm/tree/x", "");
  cli.values["Profiles"] = {"arm"};
  Config c = load_ok();
  EXPECT_EQ(names(c), Strings{"default"});
  EXPECT_EQ(c.packages, Strings{});
}

TEST_F(ConfigWorld, MissingDefaultProfileOrDirectoryIsAnError) {
  ASSERT_EQ(unlink((profiles + "/default/profile.conf").c_str()), 0);
  load();
  EXPECT_EQ(errors, Strings{profiles + "/default/profile.conf is missing: "
                                       "the default profile is the base of "
                                       "every image"});
  cli.profiles_dir = root + "/nowhere";
  load();
  EXPECT_EQ(errors, Strings{"profiles directory " + root +
                            "/nowhere (from the command line) does not "
                            "exist"});
}

// profile.conf.d/*.conf: drop-ins in name order, each applied when its own
// [Match] holds; how profiles name packages that differ between releases.
TEST_F(ConfigWorld, ProfileDropInsMatchTheRelease) {
  write("profiles/tpm2/profile.conf", "[Content]\nPackages=common\n");
  write("profiles/tpm2/profile.conf.d/20-t64.conf",
        "[Match]\nRelease=!bookworm\n[Content]\nPackages=libtss2-t64\n");
  write("profiles/tpm2/profile.conf.d/10-bookworm.conf",
        "[Match]\nRelease=bookworm\n[Content]\nPackages=libtss2\n");
  write("profiles/tpm2/profile.conf.d/30-nested.conf",
        "[Config]\nProfiles=luks\n");
  write("profiles/luks/profile.conf", "[Content]\nPackages=cryptsetup\n");
  cli.values["Profiles"] = {"tpm2"};
  EXPECT_EQ(load_ok().packages, (Strings{"cryptsetup", "common", "libtss2"}));
  cli.values["Release"] = {"trixie"};
  EXPECT_EQ(load_ok().packages,
            (Strings{"cryptsetup", "common", "libtss2-t64"}));
}

TEST_F(ConfigWorld, ProfileDescriptionIsItsOpeningCommentsFirstClause) {
  write("profiles/nfs/profile.conf",
        "# Root on NFS (v3 or v4), in dracut's and the kernel's spellings:\n"
        "#   root=nfs:SERVER:/PATH\n[Content]\n");
  write("profiles/raid/profile.conf",
        "# An md RAID root, assembled incrementally by mdadm's own udev "
        "rules\n# (64-md-raid-assembly.rules: `mdadm --incremental`). More.\n");
  write("profiles/long/profile.conf",
        "# Networking in the initrd, for roots reached over the network, "
        "whatever the stack may be. More.\n");
  write("profiles/bare/profile.conf", "[Content]\nPackages=x\n");
  EXPECT_EQ(profile_description(profiles, "nfs"),
            "Root on NFS (v3 or v4), in dracut's and the kernel's spellings");
  EXPECT_EQ(profile_description(profiles, "raid"),
            "An md RAID root, assembled incrementally by mdadm's own udev "
            "rules");
  EXPECT_EQ(profile_description(profiles, "long"),
            "Networking in the initrd, for roots reached over the network");
  EXPECT_EQ(profile_description(profiles, "bare"), "");
  EXPECT_EQ(profile_description(profiles, "absent"), "");
}

// The shipped network profiles: networkd is the network roots' stack unless
// networkmanager is asked for, and then networkd is not applied at all.
TEST_F(ConfigWorld, ShippedNetworkRootsTakeNetworkdOrNetworkManager) {
  cli.profiles_dir = std::string(INITPACK_SOURCE_DIR) + "/profiles";
  cli.values["Profiles"] = {"nfs"};
  EXPECT_EQ(names(load_ok()),
            (Strings{"default", "networkd", "network", "nfs"}));
  cli.values["Profiles"] = {"nfs", "networkmanager"};
  Config c = load_ok();
  EXPECT_EQ(names(c), (Strings{"default", "network", "nfs", "networkmanager"}));
  EXPECT_TRUE(std::find(c.packages.begin(), c.packages.end(),
                        "network-manager") != c.packages.end());
}
