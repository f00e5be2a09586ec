// The PE writer and UKI assembly: layout rules checked on a small image we
// build here, and on systemd-stub itself when it is installed (its stored
// checksum is an independent check of ours).
#include "output/pe.h"
#include "output/uki.h"
#include "pe_fixture.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <cstring>

namespace initpack {
namespace {

std::string tiny_pe_file(PeImage img = tiny_pe()) {
  std::string err;
  EXPECT_TRUE(layout_pe(img, &err)) << err;
  return write_pe(img);
}

TEST(Pe, RoundTrip) {
  std::string file = tiny_pe_file(), err;
  PeImage back;
  ASSERT_TRUE(parse_pe(file, &back, &err)) << err;
  ASSERT_EQ(back.sections.size(), 1u);
  EXPECT_EQ(back.sections[0].name, ".text");
  EXPECT_EQ(section_contents(back.sections[0]), "hello");
  EXPECT_EQ(back.opt.size_of_headers, 0x200u);
  EXPECT_EQ(back.opt.size_of_image, 0x2000u);
  EXPECT_EQ(file.size(), 0x400u); // headers + one aligned section
  ASSERT_TRUE(layout_pe(back, &err));
  EXPECT_EQ(write_pe(back), file);
}

TEST(Pe, AddSectionIsPageAlignedAfterTheLast) {
  PeImage img = tiny_pe();
  std::string err;
  ASSERT_TRUE(add_section(img, ".cmdline", "quiet", &err)) << err;
  ASSERT_TRUE(add_section(img, ".linux", std::string(5000, 'k'), &err));
  ASSERT_TRUE(layout_pe(img, &err)) << err;
  EXPECT_EQ(img.sections[1].virtual_address, 0x2000u);
  EXPECT_EQ(img.sections[2].virtual_address, 0x3000u);
  EXPECT_EQ(img.sections[2].pointer_to_raw_data % 0x200, 0u);
  EXPECT_EQ(img.sections[2].size_of_raw_data, 5120u);
  EXPECT_EQ(img.opt.size_of_image, 0x3000u + 0x2000u);
  EXPECT_EQ(img.sections[1].characteristics, kScnReadOnlyData);
  PeImage back;
  ASSERT_TRUE(parse_pe(write_pe(img), &back, &err)) << err;
  EXPECT_EQ(section_contents(*find_section(back, ".cmdline")), "quiet");
}

TEST(Pe, AddSectionRefusesBadNames) {
  PeImage img = tiny_pe();
  std::string err;
  EXPECT_FALSE(add_section(img, ".toolongname", "x", &err));
  EXPECT_EQ(err, "section name '.toolongname' is not 1-8 bytes");
  EXPECT_FALSE(add_section(img, ".text", "x", &err));
  EXPECT_EQ(err, "section .text is already in the image");
}

TEST(Pe, ReplaceSectionGrowsOnlyUpToTheNext) {
  PeImage img = tiny_pe();
  std::string err;
  ASSERT_TRUE(add_section(img, ".sbat", "a", &err));
  ASSERT_TRUE(replace_section(img, ".text", std::string(4096, 't'), &err));
  EXPECT_FALSE(replace_section(img, ".text", std::string(4097, 't'), &err));
  EXPECT_EQ(err, "new contents of section .text (4097 bytes) overlap the "
                 "next section");
}

TEST(Pe, ParseErrors) {
  PeImage img;
  std::string err;
  EXPECT_FALSE(parse_pe("ELF", &img, &err));
  EXPECT_EQ(err, "not a PE image (no MZ header)");
  std::string file = tiny_pe_file();
  file[0x40] = 'X';
  EXPECT_FALSE(parse_pe(file, &img, &err));
  EXPECT_EQ(err, "not a PE image (no PE signature)");
  file = tiny_pe_file() + "trailing";
  EXPECT_FALSE(parse_pe(file, &img, &err));
  EXPECT_EQ(err, "data after the last section is not supported");
}

TEST(Pe, AttachSignatureKeepsTheDigest) {
  std::string file = tiny_pe_file(), err, before, after;
  ASSERT_TRUE(authenticode_sha256(file, &before, &err)) << err;
  ASSERT_TRUE(attach_signature(file, "0123456789", &err)) << err;
  EXPECT_EQ(file.size() % 8, 0u);
  ASSERT_TRUE(authenticode_sha256(file, &after, &err)) << err;
  EXPECT_EQ(before, after);
  PeImage back;
  ASSERT_TRUE(parse_pe(file, &back, &err)) << err;
  // WIN_CERTIFICATE: length 8 + 10, revision 0x200, PKCS#7, padded to 24.
  ASSERT_EQ(back.certificates.size(), 24u);
  EXPECT_EQ(back.certificates.substr(8, 10), "0123456789");
  EXPECT_EQ(uint8_t(back.certificates[0]), 18);
  EXPECT_FALSE(attach_signature(file, "again", &err));
  EXPECT_EQ(err, "the image is signed already");
}

TEST(Pe, DigestCoversSectionsNotTheChecksum) {
  PeImage a = tiny_pe("hello"), b = tiny_pe("hellp");
  std::string da, db, err;
  ASSERT_TRUE(authenticode_sha256(tiny_pe_file(a), &da, &err));
  ASSERT_TRUE(authenticode_sha256(tiny_pe_file(b), &db, &err));
  EXPECT_NE(da, db);
  std::string file = tiny_pe_file(a), dc;
  file[0x40 + 4 + 20 + 64] ^= 1; // the checksum field
  ASSERT_TRUE(authenticode_sha256(file, &dc, &err));
  EXPECT_EQ(da, dc);
}

// Linux's EFI stub header declares 6 data directories, not 16.
TEST(Pe, ShortOptionalHeaderAsInLinuxKernels) {
  PeImage img = tiny_pe("kernel");
  img.coff.size_of_optional_header = 112 + 6 * 8;
  img.opt.number_of_rva_and_sizes = 6;
  std::string file = tiny_pe_file(img), err, digest;
  PeImage back;
  ASSERT_TRUE(parse_pe(file, &back, &err)) << err;
  EXPECT_EQ(section_contents(back.sections[0]), "kernel");
  EXPECT_EQ(back.coff.size_of_optional_header, 160u);
  ASSERT_TRUE(layout_pe(back, &err)) << err;
  EXPECT_EQ(write_pe(back), file);
  EXPECT_TRUE(authenticode_sha256(file, &digest, &err)) << err;
  // With 4 directories there is no security directory to sign through.
  img.coff.size_of_optional_header = 112 + 4 * 8;
  img.opt.number_of_rva_and_sizes = 4;
  EXPECT_FALSE(authenticode_sha256(tiny_pe_file(img), &digest, &err));
  EXPECT_EQ(err, "the image has no security directory");
}

// systemd-stub from package systemd-boot-efi, when installed.
bool read_stub(PeImage *img, std::string *bytes) {
  std::string err;
  if (!read_file(kDefaultStub, bytes, &err))
    return false;
  return parse_pe(*bytes, img, &err);
}

TEST(Pe, ChecksumMatchesTheStubs) {
  PeImage stub;
  std::string bytes;
  if (!read_stub(&stub, &bytes))
    GTEST_SKIP() << kDefaultStub << " is not installed";
  size_t at = stub.dos.size() + 4 + 20 + offsetof(OptionalHeader64, checksum);
  if (stub.opt.checksum == 0)
    GTEST_SKIP() << "the stub carries no checksum";
  EXPECT_EQ(pe_checksum(bytes, at), stub.opt.checksum);
  EXPECT_GE(stub_version(stub), 252);
}

TEST(Uki, SectionsInUkifysOrderKernelLast) {
  PeImage stub;
  std::string bytes, err;
  if (!read_stub(&stub, &bytes))
    GTEST_SKIP() << kDefaultStub << " is not installed";
  size_t stub_sections = stub.sections.size();
  UkiParts parts;
  PeImage kernel = tiny_pe("kernel");
  parts.linux_image = tiny_pe_file(kernel);
  parts.initrd = "initrd";
  parts.cmdline = "root=/dev/vda";
  parts.osrel = "ID=debian\n";
  parts.uname = "6.1.0-test";
  ASSERT_TRUE(assemble_uki(stub, parts, &err)) << err;
  std::vector<std::string> added;
  for (size_t i = stub_sections; i < stub.sections.size(); i++)
    added.push_back(stub.sections[i].name);
  EXPECT_EQ(added, (std::vector<std::string>{".osrel", ".cmdline", ".uname",
                                             ".initrd", ".linux"}));
  PeImage back;
  ASSERT_TRUE(parse_pe(write_pe(stub), &back, &err)) << err;
  EXPECT_EQ(section_contents(*find_section(back, ".linux")), parts.linux_image);
  EXPECT_EQ(back.opt.address_of_entry_point, stub.opt.address_of_entry_point);
}

TEST(Uki, RefusesUcodeOnOldStubsAndNonPeKernels) {
  PeImage stub;
  std::string bytes, err;
  if (!read_stub(&stub, &bytes))
    GTEST_SKIP() << kDefaultStub << " is not installed";
  UkiParts parts;
  parts.linux_image = "not a kernel";
  EXPECT_FALSE(assemble_uki(stub, parts, &err));
  EXPECT_NE(err.find("the kernel is not a PE image"), std::string::npos);
  if (stub_version(stub) >= 256)
    return;
  parts.linux_image = tiny_pe_file();
  parts.ucode = "ucode";
  EXPECT_FALSE(assemble_uki(stub, parts, &err));
  EXPECT_EQ(err, "this systemd-stub has no .ucode section (systemd >= 256)");
}

TEST(Uki, AddonGetsSbatAndCmdline) {
  PeImage addon = tiny_pe("ret");
  std::string err;
  ASSERT_TRUE(assemble_addon(addon, "rd.marker=1", "", "", &err)) << err;
  ASSERT_NE(find_section(addon, ".sbat"), nullptr);
  EXPECT_EQ(section_contents(*find_section(addon, ".cmdline")), "rd.marker=1");
  PeImage empty = tiny_pe("ret");
  EXPECT_FALSE(assemble_addon(empty, "", "", "", &err));
}

} // namespace
} // namespace initpack
