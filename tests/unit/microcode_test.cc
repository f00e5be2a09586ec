#include "image/microcode.h"
#include "image/tree.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

Tree microcode_tree() {
  Tree t;
  t.add_file("usr/lib/firmware/intel-ucode/06-55-04",
             Content::from_bytes("I1"));
  t.add_file("usr/lib/firmware/intel-ucode/06-8e-0a",
             Content::from_bytes("I2"));
  t.add_file("usr/lib/firmware/amd-ucode/microcode_amd_fam17h.bin",
             Content::from_bytes("A17"));
  t.add_file("usr/lib/firmware/amd-ucode/microcode_amd_fam19h.bin",
             Content::from_bytes("A19"));
  t.add_file("usr/lib/firmware/amd-ucode/microcode_amd_fam19h.bin.asc",
             Content::from_bytes("SIG"));
  return t;
}

TEST(Microcode, GenericTakesEveryContainerInPathOrder) {
  std::string err;
  Microcode e = select_microcode(microcode_tree(), nullptr, &err);
  ASSERT_EQ(e.files.size(), 2u);
  EXPECT_EQ(e.files[0].path, "kernel/x86/microcode/AuthenticAMD.bin");
  EXPECT_EQ(e.files[0].data, "A17A19");
  EXPECT_EQ(e.files[1].path, "kernel/x86/microcode/GenuineIntel.bin");
  EXPECT_EQ(e.files[1].data, "I1I2");
}

TEST(Microcode, HostonlyTakesThisProcessorsFileOnly) {
  CpuId intel{"GenuineIntel", 6, 0x8e, 0xa};
  std::string err;
  Microcode e = select_microcode(microcode_tree(), &intel, &err);
  ASSERT_EQ(e.files.size(), 1u);
  EXPECT_EQ(e.files[0].data, "I2");
  CpuId amd{"AuthenticAMD", 0x19, 1, 1};
  e = select_microcode(microcode_tree(), &amd, &err);
  ASSERT_EQ(e.files.size(), 1u);
  EXPECT_EQ(e.files[0].data, "A19");
  CpuId qemu{"AuthenticAMD", 0xf, 6, 1}; // qemu64: no microcode
  EXPECT_TRUE(select_microcode(microcode_tree(), &qemu, &err).files.empty());
}

TEST(Microcode, ParsesCpuinfo) {
  CpuId c;
  ASSERT_TRUE(
      parse_cpuinfo("processor\t: 0\nvendor_id\t: GenuineIntel\n"
                    "cpu family\t: 6\nmodel\t\t: 142\n"
                    "model name\t: Intel(R) Core(TM)\nstepping\t: 10\n\n"
                    "processor\t: 1\nvendor_id\t: Other\n",
                    &c));
  EXPECT_EQ(c.vendor, "GenuineIntel");
  EXPECT_EQ(c.family, 6);
  EXPECT_EQ(c.model, 142);
  EXPECT_EQ(c.stepping, 10);
  EXPECT_FALSE(parse_cpuinfo("vendor_id\t: X\n", &c));
}

} // namespace
