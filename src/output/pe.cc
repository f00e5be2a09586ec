// PE/COFF reading, layout and writing; the format is described in pe.h.
#include "output/pe.h"

#include "util/hash.h"

#include <algorithm>
#include <cstring>

namespace initpack {

namespace {

constexpr uint16_t kPe32PlusMagic = 0x20b;
constexpr uint32_t kPageSize = 4096;

uint32_t align_up(uint64_t v, uint32_t a) {
  return uint32_t((v + a - 1) / a * a);
}

template <class T> bool read_struct(std::string_view b, size_t off, T *out) {
  if (off > b.size() || b.size() - off < sizeof(T))
    return false;
  memcpy(out, b.data() + off, sizeof(T));
  return true;
}

template <class T> void put_struct(std::string &b, size_t off, const T &v) {
  memcpy(b.data() + off, &v, sizeof(T));
}

std::string section_name(const SectionHeader &h) {
  return std::string(h.name, strnlen(h.name, sizeof(h.name)));
}

// Where the PE header starts, checked.
bool pe_offset(std::string_view b, uint32_t *off, std::string *err) {
  if (b.size() < 0x40 || b.substr(0, 2) != "MZ") {
    *err = "not a PE image (no MZ header)";
    return false;
  }
  memcpy(off, b.data() + 0x3c, 4);
  if (*off < 0x40 || *off > b.size() || b.size() - *off < 4 ||
      b.substr(*off, 4) != std::string_view("PE\0\0", 4)) {
    *err = "not a PE image (no PE signature)";
    return false;
  }
  return true;
}

// The certificate table's (offset, size), checked to lie inside the file.
bool certificate_table(std::string_view b, const OptionalHeader64 &opt,
                       uint64_t *off, uint64_t *size, std::string *err) {
  const DataDirectory &d = opt.data_directories[kSecurityDirectory];
  *off = d.virtual_address;
  *size = d.size;
  if (d.size && (*off + *size > b.size() || *off % 8)) {
    *err = "certificate table outside the file";
    return false;
  }
  return true;
}

} // namespace

bool parse_pe(std::string_view b, PeImage *out, std::string *err) {
  PeImage img;
  uint32_t off;
  if (!pe_offset(b, &off, err))
    return false;
  img.dos = b.substr(0, off);
  size_t at = off + 4;
  if (!read_struct(b, at, &img.coff)) {
    *err = "truncated COFF header";
    return false;
  }
  at += sizeof(CoffHeader);
  uint16_t magic = 0;
  read_struct(b, at, &magic);
  if (magic != kPe32PlusMagic) {
    *err = "not a PE32+ image (optional header magic " + std::to_string(magic) +
           ")";
    return false;
  }
  // Linux's EFI stub header has 6 data directories, systemd's stubs 16:
  // the struct takes up to 16, the rest stay zero and the size is kept.
  size_t opt_size = img.coff.size_of_optional_header;
  size_t fixed = offsetof(OptionalHeader64, data_directories);
  if (opt_size < fixed || opt_size > sizeof(OptionalHeader64) ||
      (opt_size - fixed) % sizeof(DataDirectory) || b.size() - at < opt_size) {
    *err = "unsupported optional header size " + std::to_string(opt_size);
    return false;
  }
  memcpy(&img.opt, b.data() + at, opt_size);
  if (img.opt.number_of_rva_and_sizes !=
      (opt_size - fixed) / sizeof(DataDirectory)) {
    *err = "optional header size and data directory count disagree";
    return false;
  }
  // A COFF symbol table (and the string table after it) is debugging data
  // the loader never maps; Debian's stub carries one after its sections. It
  // is dropped: the image is rewritten without it.
  uint64_t symbols_at = img.coff.pointer_to_symbol_table;
  if (symbols_at > b.size()) {
    *err = "COFF symbol table outside the file";
    return false;
  }
  img.coff.pointer_to_symbol_table = 0;
  img.coff.number_of_symbols = 0;
  if (img.opt.file_alignment < 512 || img.opt.section_alignment == 0) {
    *err = "bad FileAlignment or SectionAlignment";
    return false;
  }
  at += opt_size;
  uint64_t data_end = img.opt.size_of_headers;
  for (int i = 0; i < img.coff.number_of_sections; i++) {
    SectionHeader h;
    if (!read_struct(b, at + i * sizeof(SectionHeader), &h)) {
      *err = "truncated section table";
      return false;
    }
    if (uint64_t(h.pointer_to_raw_data) + h.size_of_raw_data > b.size()) {
      *err = "section " + section_name(h) + " extends past the end of file";
      return false;
    }
    PeSection s;
    s.name = section_name(h);
    s.virtual_address = h.virtual_address;
    s.virtual_size = h.virtual_size;
    s.characteristics = h.characteristics;
    s.data = b.substr(h.pointer_to_raw_data, h.size_of_raw_data);
    data_end = std::max<uint64_t>(data_end, uint64_t(h.pointer_to_raw_data) +
                                                h.size_of_raw_data);
    img.sections.push_back(std::move(s));
  }
  std::sort(img.sections.begin(), img.sections.end(), [](auto &a, auto &b) {
    return a.virtual_address < b.virtual_address;
  });
  uint64_t cert_off, cert_size;
  if (!certificate_table(b, img.opt, &cert_off, &cert_size, err))
    return false;
  if (cert_size) {
    img.certificates = b.substr(cert_off, cert_size);
    if (cert_off < data_end) {
      *err = "certificate table overlaps the sections";
      return false;
    }
  }
  // Zero padding may follow the sections (signers align the file to 8
  // bytes); anything else but the symbol table would be lost on rewriting.
  uint64_t tail_end = cert_size ? cert_off : b.size();
  if (symbols_at >= data_end)
    tail_end = std::min(tail_end, symbols_at);
  if (tail_end > data_end &&
      b.substr(data_end, tail_end - data_end).find_first_not_of('\0') !=
          std::string_view::npos) {
    *err = "data after the last section is not supported";
    return false;
  }
  *out = std::move(img);
  return true;
}

PeSection *find_section(PeImage &img, std::string_view name) {
  for (PeSection &s : img.sections)
    if (s.name == name)
      return &s;
  return nullptr;
}

const PeSection *find_section(const PeImage &img, std::string_view name) {
  return find_section(const_cast<PeImage &>(img), name);
}

std::string_view section_contents(const PeSection &s) {
  return std::string_view(s.data).substr(0, s.virtual_size);
}

bool add_section(PeImage &img, std::string_view name, std::string data,
                 std::string *err, uint32_t characteristics) {
  if (find_section(img, name)) {
    *err = "section " + std::string(name) + " is already in the image";
    return false;
  }
  return append_section(img, name, std::move(data), err, characteristics);
}

bool append_section(PeImage &img, std::string_view name, std::string data,
                    std::string *err, uint32_t characteristics) {
  if (name.empty() || name.size() > 8) {
    *err = "section name '" + std::string(name) + "' is not 1-8 bytes";
    return false;
  }
  uint64_t end = img.opt.size_of_headers;
  for (const PeSection &s : img.sections)
    end = std::max<uint64_t>(end, uint64_t(s.virtual_address) +
                                      std::max<uint64_t>(s.virtual_size, 1));
  // Page-aligned (a multiple of any SectionAlignment the stubs use), so
  // each payload starts on its own page, as ukify places them.
  uint32_t align = std::max(img.opt.section_alignment, kPageSize);
  uint64_t va = align_up(end, align);
  if (va + data.size() >= (uint64_t(1) << 32)) {
    *err = "section " + std::string(name) + " does not fit in 4 GiB";
    return false;
  }
  PeSection s;
  s.name = name;
  s.virtual_address = uint32_t(va);
  s.virtual_size = uint32_t(data.size());
  s.characteristics = characteristics;
  s.data = std::move(data);
  img.sections.push_back(std::move(s));
  return true;
}

bool replace_section(PeImage &img, std::string_view name, std::string data,
                     std::string *err) {
  PeSection *s = find_section(img, name);
  if (!s) {
    *err = "no section " + std::string(name) + " to replace";
    return false;
  }
  uint64_t limit = UINT32_MAX;
  for (const PeSection &o : img.sections)
    if (o.virtual_address > s->virtual_address)
      limit = std::min<uint64_t>(limit, o.virtual_address);
  if (s->virtual_address + data.size() > limit) {
    *err = "new contents of section " + std::string(name) + " (" +
           std::to_string(data.size()) + " bytes) overlap the next section";
    return false;
  }
  s->virtual_size = uint32_t(data.size());
  s->data = std::move(data);
  return true;
}

bool layout_pe(PeImage &img, std::string *err) {
  OptionalHeader64 &opt = img.opt;
  img.coff.number_of_sections = uint16_t(img.sections.size());
  uint64_t headers_end = img.dos.size() + 4 + sizeof(CoffHeader) +
                         img.coff.size_of_optional_header +
                         img.sections.size() * sizeof(SectionHeader);
  opt.size_of_headers = align_up(headers_end, opt.file_alignment);
  uint32_t first_va = UINT32_MAX;
  for (const PeSection &s : img.sections)
    first_va = std::min(first_va, s.virtual_address);
  if (opt.size_of_headers > first_va) {
    *err = "the section table (" + std::to_string(img.sections.size()) +
           " sections) does not fit below the first section at " +
           std::to_string(first_va);
    return false;
  }
  uint64_t file_off = opt.size_of_headers, image_end = opt.size_of_headers;
  uint32_t initialized = 0;
  for (PeSection &s : img.sections) {
    s.size_of_raw_data = align_up(s.data.size(), opt.file_alignment);
    s.pointer_to_raw_data = s.data.empty() ? 0 : uint32_t(file_off);
    file_off += s.size_of_raw_data;
    image_end = std::max<uint64_t>(
        image_end, uint64_t(s.virtual_address) +
                       std::max<uint64_t>(s.virtual_size, s.data.size()));
    if (s.characteristics & kScnCntInitializedData)
      initialized += s.size_of_raw_data;
  }
  if (file_off + img.certificates.size() >= (uint64_t(1) << 32)) {
    *err = "the image would be larger than 4 GiB";
    return false;
  }
  opt.size_of_image = align_up(image_end, opt.section_alignment);
  opt.size_of_initialized_data = initialized;
  DataDirectory &sec = opt.data_directories[kSecurityDirectory];
  sec.virtual_address = img.certificates.empty() ? 0 : uint32_t(file_off);
  sec.size = uint32_t(img.certificates.size());
  return true;
}

static size_t checksum_offset(const PeImage &img) {
  return img.dos.size() + 4 + sizeof(CoffHeader) +
         offsetof(OptionalHeader64, checksum);
}

std::string write_pe(const PeImage &img) {
  std::string out(img.opt.size_of_headers, '\0');
  size_t at = 0;
  memcpy(out.data(), img.dos.data(), img.dos.size());
  at += img.dos.size();
  memcpy(out.data() + at, "PE\0\0", 4);
  at += 4;
  put_struct(out, at, img.coff);
  at += sizeof(CoffHeader);
  memcpy(out.data() + at, &img.opt, img.coff.size_of_optional_header);
  at += img.coff.size_of_optional_header;
  for (const PeSection &s : img.sections) {
    SectionHeader h{};
    memcpy(h.name, s.name.data(), s.name.size());
    h.virtual_size = s.virtual_size;
    h.virtual_address = s.virtual_address;
    h.size_of_raw_data = s.size_of_raw_data;
    h.pointer_to_raw_data = s.pointer_to_raw_data;
    h.characteristics = s.characteristics;
    put_struct(out, at, h);
    at += sizeof(SectionHeader);
  }
  for (const PeSection &s : img.sections) {
    out += s.data;
    out.append(s.size_of_raw_data - s.data.size(), '\0');
  }
  out += img.certificates;
  uint32_t sum = pe_checksum(out, checksum_offset(img));
  memcpy(out.data() + checksum_offset(img), &sum, 4);
  return out;
}

// The classic PE checksum: 16-bit one's-complement-style sum of the file
// with carries folded in, plus the file length.
uint32_t pe_checksum(std::string_view file, size_t checksum_offset) {
  uint64_t sum = 0;
  for (size_t i = 0; i < file.size(); i += 2) {
    uint16_t word = uint8_t(file[i]);
    if (i + 1 < file.size())
      word |= uint16_t(uint8_t(file[i + 1])) << 8;
    if (i == checksum_offset || i == checksum_offset + 2)
      word = 0;
    sum += word;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  sum = (sum & 0xffff) + (sum >> 16);
  return uint32_t(sum + file.size());
}

bool authenticode_sha256(std::string_view b, std::string *digest,
                         std::string *err) {
  PeImage img;
  if (!parse_pe(b, &img, err))
    return false;
  if (img.opt.number_of_rva_and_sizes <= kSecurityDirectory) {
    *err = "the image has no security directory";
    return false;
  }
  size_t opt_at = img.dos.size() + 4 + sizeof(CoffHeader);
  size_t sum_at = opt_at + offsetof(OptionalHeader64, checksum);
  size_t dir_at = opt_at + offsetof(OptionalHeader64, data_directories) +
                  kSecurityDirectory * sizeof(DataDirectory);
  Sha256 h;
  h.update(b.substr(0, sum_at));
  h.update(b.substr(sum_at + 4, dir_at - sum_at - 4));
  h.update(b.substr(dir_at + 8, img.opt.size_of_headers - dir_at - 8));
  // Sections in file order, then whatever follows them except the
  // certificate table.
  std::vector<SectionHeader> headers(img.coff.number_of_sections);
  for (size_t i = 0; i < headers.size(); i++)
    read_struct(b, opt_at + img.coff.size_of_optional_header + i * 40,
                &headers[i]);
  std::sort(headers.begin(), headers.end(), [](auto &x, auto &y) {
    return x.pointer_to_raw_data < y.pointer_to_raw_data;
  });
  uint64_t hashed = img.opt.size_of_headers;
  for (const SectionHeader &s : headers) {
    if (!s.size_of_raw_data)
      continue;
    h.update(b.substr(s.pointer_to_raw_data, s.size_of_raw_data));
    hashed = std::max<uint64_t>(hashed, uint64_t(s.pointer_to_raw_data) +
                                            s.size_of_raw_data);
  }
  uint64_t cert_off, cert_size;
  certificate_table(b, img.opt, &cert_off, &cert_size, err);
  uint64_t end = cert_size ? cert_off : b.size();
  if (end > hashed)
    h.update(b.substr(hashed, end - hashed));
  *digest = h.raw();
  return true;
}

bool attach_signature(std::string &file, std::string_view der,
                      std::string *err) {
  PeImage img;
  if (!parse_pe(file, &img, err))
    return false;
  if (img.opt.number_of_rva_and_sizes <= kSecurityDirectory) {
    *err = "the image has no security directory to point at a signature";
    return false;
  }
  if (!img.certificates.empty()) {
    *err = "the image is signed already";
    return false;
  }
  if (der.empty()) {
    *err = "empty signature";
    return false;
  }
  // Signers hash the file padded to 8 bytes; the table starts there.
  file.append(align_up(file.size(), 8) - file.size(), '\0');
  WinCertificateHeader h{uint32_t(sizeof(h) + der.size()), 0x0200, 0x0002};
  std::string table(sizeof(h), '\0');
  put_struct(table, 0, h);
  table += der;
  table.append(align_up(table.size(), 8) - table.size(), '\0');
  DataDirectory dir{uint32_t(file.size()), uint32_t(table.size())};
  file += table;
  size_t opt_at = img.dos.size() + 4 + sizeof(CoffHeader);
  put_struct(file,
             opt_at + offsetof(OptionalHeader64, data_directories) +
                 kSecurityDirectory * sizeof(DataDirectory),
             dir);
  size_t sum_at = opt_at + offsetof(OptionalHeader64, checksum);
  uint32_t sum = pe_checksum(file, sum_at);
  put_struct(file, sum_at, sum);
  return true;
}

} // namespace initpack
