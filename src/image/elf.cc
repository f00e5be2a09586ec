#include "image/elf.h"

#include <cstring>
#include <elf.h>

namespace initpack {

namespace {

// The structs of one ELF class, so the reader below is written once.
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Phdr = Elf64_Phdr;
  using Dyn = Elf64_Dyn;
};
struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Phdr = Elf32_Phdr;
  using Dyn = Elf32_Dyn;
};
static_assert(sizeof(Elf64_Ehdr) == 64 && sizeof(Elf64_Phdr) == 56 &&
              sizeof(Elf64_Dyn) == 16);
static_assert(sizeof(Elf32_Ehdr) == 52 && sizeof(Elf32_Phdr) == 32 &&
              sizeof(Elf32_Dyn) == 8);

// Caps that keep a hostile file from making us read much: real binaries
// have a few dozen program headers and a few hundred dynamic entries.
constexpr size_t kMaxPhdrs = 4096;
constexpr uint64_t kMaxDynamic = 1 << 20, kMaxStrtab = 16 << 20;

template <typename C> class Reader {
public:
  Reader(const ReadAt &read, ElfInfo *out, std::string *err)
      : read_(read), out_(out), err_(err) {}

  bool run() {
    std::string bytes;
    if (!read_(0, sizeof(typename C::Ehdr), &bytes))
      return fail("truncated ELF header");
    typename C::Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    out_->type = eh.e_type;
    out_->machine = eh.e_machine;
    if (eh.e_phnum == 0)
      return true; // a relocatable object or core file: nothing to run
    if (eh.e_phentsize != sizeof(typename C::Phdr) || eh.e_phnum > kMaxPhdrs)
      return fail("bad program header table");
    if (!read_(eh.e_phoff, size_t(eh.e_phnum) * eh.e_phentsize, &bytes))
      return fail("truncated program headers");
    phdrs_.resize(eh.e_phnum);
    std::memcpy(phdrs_.data(), bytes.data(), bytes.size());
    for (const auto &ph : phdrs_) {
      if (ph.p_type == PT_INTERP && !read_interp(ph))
        return false;
      if (ph.p_type == PT_LOAD && !(ph.p_flags & (PF_X | PF_W)))
        out_->read_only.emplace_back(ph.p_offset, ph.p_filesz);
    }
    for (const auto &ph : phdrs_)
      if (ph.p_type == PT_DYNAMIC)
        return read_dynamic(ph);
    return true;
  }

private:
  bool fail(const char *what) {
    *err_ = what;
    return false;
  }

  bool read_interp(const typename C::Phdr &ph) {
    std::string s;
    if (ph.p_filesz > 4096 || !read_(ph.p_offset, ph.p_filesz, &s))
      return fail("bad PT_INTERP");
    out_->interp = s.substr(0, s.find('\0'));
    return true;
  }

  // DT_STRTAB is an address; the loadable segment holding it gives its
  // file offset.
  bool vaddr_to_offset(uint64_t vaddr, uint64_t *off) const {
    for (const auto &ph : phdrs_)
      if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
          vaddr < ph.p_vaddr + ph.p_filesz) {
        *off = vaddr - ph.p_vaddr + ph.p_offset;
        return true;
      }
    return false;
  }

  bool read_dynamic(const typename C::Phdr &ph) {
    std::string bytes;
    if (ph.p_filesz > kMaxDynamic || !read_(ph.p_offset, ph.p_filesz, &bytes))
      return fail("truncated dynamic section");
    std::vector<typename C::Dyn> dyn(bytes.size() / sizeof(typename C::Dyn));
    std::memcpy(dyn.data(), bytes.data(), dyn.size() * sizeof dyn[0]);
    uint64_t strtab = 0, strsz = 0;
    std::vector<uint64_t> needed;
    uint64_t runpath = 0, rpath = 0;
    bool has_runpath = false, has_rpath = false;
    for (const auto &d : dyn) {
      if (d.d_tag == DT_NULL)
        break;
      if (d.d_tag == DT_NEEDED)
        needed.push_back(d.d_un.d_val);
      else if (d.d_tag == DT_STRTAB)
        strtab = d.d_un.d_ptr;
      else if (d.d_tag == DT_STRSZ)
        strsz = d.d_un.d_val;
      else if (d.d_tag == DT_RUNPATH)
        runpath = d.d_un.d_val, has_runpath = true;
      else if (d.d_tag == DT_RPATH)
        rpath = d.d_un.d_val, has_rpath = true;
    }
    if (needed.empty() && !has_runpath && !has_rpath)
      return true;
    uint64_t off;
    std::string strings;
    if (strsz > kMaxStrtab || !vaddr_to_offset(strtab, &off) ||
        !read_(off, strsz, &strings))
      return fail("bad dynamic string table");
    auto str = [&](uint64_t i) -> std::string {
      if (i >= strings.size())
        return "";
      return std::string(strings.c_str() + i);
    };
    for (uint64_t i : needed)
      out_->needed.push_back(str(i));
    // ld.so ignores DT_RPATH when DT_RUNPATH is present.
    if (has_runpath || has_rpath) {
      std::string path = str(has_runpath ? runpath : rpath);
      for (size_t start = 0; start <= path.size();) {
        size_t colon = path.find(':', start);
        if (colon == std::string::npos)
          colon = path.size();
        if (colon > start)
          out_->runpath.push_back(path.substr(start, colon - start));
        start = colon + 1;
      }
    }
    return true;
  }

  const ReadAt &read_;
  ElfInfo *out_;
  std::string *err_;
  std::vector<typename C::Phdr> phdrs_;
};

} // namespace

bool is_elf(const std::string &head) {
  return head.size() >= SELFMAG &&
         std::memcmp(head.data(), ELFMAG, SELFMAG) == 0;
}

bool read_elf(const ReadAt &read, ElfInfo *out, std::string *err) {
  *out = ElfInfo();
  std::string ident;
  if (!read(0, EI_NIDENT, &ident) || !is_elf(ident)) {
    *err = "not an ELF file";
    return false;
  }
  if (ident[EI_DATA] != ELFDATA2LSB) {
    *err = "big-endian ELF";
    return false;
  }
  if (ident[EI_CLASS] == ELFCLASS64) {
    out->is_64 = true;
    return Reader<Elf64>(read, out, err).run();
  }
  if (ident[EI_CLASS] == ELFCLASS32)
    return Reader<Elf32>(read, out, err).run();
  *err = "unknown ELF class";
  return false;
}

} // namespace initpack
