// PE/COFF images: read one (systemd-stub, a kernel), add or replace
// sections, lay it out again and write it; the Authenticode digest and the
// attribute-certificate table that carry a SecureBoot signature.
//
// Why our own code: no Debian library assembles a PE image from parts
// (binutils' objcopy can add sections but computes neither the stub's
// expected layout nor reproducible headers, and ukify is Python and not in
// bookworm's systemd 252). The format is small and fixed.
//
// The format (Microsoft "PE Format",
// https://learn.microsoft.com/en-us/windows/win32/debug/pe-format):
//
//   0x00       DOS header, "MZ"; e_lfanew at 0x3c points to the PE header
//   e_lfanew   "PE\0\0", then the COFF file header (20 bytes)
//              the optional header (PE32+: 112 bytes + 16 data directories
//              of 8 bytes: RVA and size; entry 4, "security", is the file
//              offset and size of the certificate table instead)
//              the section table: one 40-byte header per section
//   SizeOfHeaders (a multiple of FileAlignment): the sections' raw data,
//              each at a multiple of FileAlignment
//   end        the attribute certificate table (WIN_CERTIFICATE entries,
//              8-byte aligned), when signed
//
// In memory each section lives at VirtualAddress (a multiple of
// SectionAlignment) relative to the image base; SizeOfImage covers them
// all. We never move the sections we read (the stub's code refers to its
// own sections by address); new ones go after the last, page-aligned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// Section flags (IMAGE_SCN_*).
inline constexpr uint32_t kScnCntInitializedData = 0x00000040;
inline constexpr uint32_t kScnMemRead = 0x40000000;
// What every UKI payload section is: initialised, read-only data.
inline constexpr uint32_t kScnReadOnlyData =
    kScnCntInitializedData | kScnMemRead;

#pragma pack(push, 1)
struct CoffHeader {
  uint16_t machine;
  uint16_t number_of_sections;
  uint32_t time_date_stamp;
  uint32_t pointer_to_symbol_table;
  uint32_t number_of_symbols;
  uint16_t size_of_optional_header;
  uint16_t characteristics;
};
static_assert(sizeof(CoffHeader) == 20);

struct DataDirectory {
  uint32_t virtual_address; // a file offset for the security directory
  uint32_t size;
};
static_assert(sizeof(DataDirectory) == 8);

// The PE32+ optional header with its 16 data directories.
struct OptionalHeader64 {
  uint16_t magic; // 0x20b
  uint8_t major_linker_version;
  uint8_t minor_linker_version;
  uint32_t size_of_code;
  uint32_t size_of_initialized_data;
  uint32_t size_of_uninitialized_data;
  uint32_t address_of_entry_point;
  uint32_t base_of_code;
  uint64_t image_base;
  uint32_t section_alignment;
  uint32_t file_alignment;
  uint16_t major_os_version, minor_os_version;
  uint16_t major_image_version, minor_image_version;
  uint16_t major_subsystem_version, minor_subsystem_version;
  uint32_t win32_version_value;
  uint32_t size_of_image;
  uint32_t size_of_headers;
  uint32_t checksum;
  uint16_t subsystem;
  uint16_t dll_characteristics;
  uint64_t size_of_stack_reserve, size_of_stack_commit;
  uint64_t size_of_heap_reserve, size_of_heap_commit;
  uint32_t loader_flags;
  uint32_t number_of_rva_and_sizes;
  DataDirectory data_directories[16];
};
static_assert(sizeof(OptionalHeader64) == 240);

struct SectionHeader {
  char name[8]; // NUL-padded; 8 characters use all of it
  uint32_t virtual_size;
  uint32_t virtual_address;
  uint32_t size_of_raw_data;
  uint32_t pointer_to_raw_data;
  uint32_t pointer_to_relocations;
  uint32_t pointer_to_linenumbers;
  uint16_t number_of_relocations;
  uint16_t number_of_linenumbers;
  uint32_t characteristics;
};
static_assert(sizeof(SectionHeader) == 40);

// One entry of the attribute certificate table.
struct WinCertificateHeader {
  uint32_t length;           // header + certificate, before padding to 8
  uint16_t revision;         // 0x0200
  uint16_t certificate_type; // 0x0002: PKCS#7 SignedData
};
static_assert(sizeof(WinCertificateHeader) == 8);
#pragma pack(pop)

inline constexpr int kSecurityDirectory = 4;

struct PeSection {
  std::string name;
  uint32_t virtual_address = 0;
  uint32_t virtual_size = 0; // may exceed data.size() (zero-filled)
  uint32_t characteristics = 0;
  std::string data; // the bytes in the file, unpadded
  // Set by layout_pe().
  uint32_t pointer_to_raw_data = 0;
  uint32_t size_of_raw_data = 0;
};

struct PeImage {
  std::string dos; // bytes before the "PE\0\0" signature (DOS header, stub)
  CoffHeader coff{};
  OptionalHeader64 opt{};
  std::vector<PeSection> sections; // in address order
  std::string certificates;        // the certificate table, when signed
};

// Reads a PE32+ image. Fails with a message on anything malformed or
// unsupported (PE32, data after the sections other than a COFF symbol
// table or a certificate table).
bool parse_pe(std::string_view bytes, PeImage *out, std::string *err);

// The first section named `name` (in a multi-profile UKI: the base one).
PeSection *find_section(PeImage &img, std::string_view name);
const PeSection *find_section(const PeImage &img, std::string_view name);
// The bytes of a section as the loader maps them (data, cut to
// virtual_size: the raw data is padded to FileAlignment).
std::string_view section_contents(const PeSection &s);

// Appends a read-only data section after the last one, at the next page.
// Fails on a name longer than 8 bytes or already present.
bool add_section(PeImage &img, std::string_view name, std::string data,
                 std::string *err, uint32_t characteristics = kScnReadOnlyData);
// As add_section, but the name may already be present: a multi-profile
// UKI repeats .cmdline (and others) after each .profile section.
bool append_section(PeImage &img, std::string_view name, std::string data,
                    std::string *err,
                    uint32_t characteristics = kScnReadOnlyData);
// Gives an existing section new contents in place (its address stays); it
// may grow up to the next section's address.
bool replace_section(PeImage &img, std::string_view name, std::string data,
                     std::string *err);

// Assigns file offsets and recomputes SizeOfHeaders, SizeOfImage,
// SizeOfInitializedData and the section count. Fails when the headers no
// longer fit below the first section.
bool layout_pe(PeImage &img, std::string *err);
// The file: layout_pe() must have run. The checksum is computed.
std::string write_pe(const PeImage &img);

// The PE checksum of `file` (the field itself counted as zero).
uint32_t pe_checksum(std::string_view file, size_t checksum_offset);

// The Authenticode SHA-256 of a PE file: everything but the checksum, the
// security directory entry and the certificate table, sections in file
// order (Microsoft "Windows Authenticode Portable Executable Signature
// Format"). 32 raw bytes.
bool authenticode_sha256(std::string_view file, std::string *digest,
                         std::string *err);

// Appends a PKCS#7 SignedData (DER) to the PE file as its certificate
// table, touching nothing else but the security directory entry and the
// checksum (so the Authenticode digest stays). Fails when already signed.
bool attach_signature(std::string &file, std::string_view pkcs7_der,
                      std::string *err);

} // namespace initpack
