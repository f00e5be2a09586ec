// A UKI's section table and initrd for `initpack inspect` (uki_inspect.h).
#include "inspect/uki_inspect.h"

#include "output/pe.h"
#include "output/uki_profile.h"

namespace initpack {

bool looks_like_pe(std::string_view bytes) {
  if (bytes.size() < 0x40 || !bytes.starts_with("MZ"))
    return false;
  uint32_t lfanew = 0;
  for (int i = 3; i >= 0; i--)
    lfanew = lfanew << 8 | uint8_t(bytes[0x3c + i]);
  return lfanew <= bytes.size() - 4 &&
         bytes.substr(lfanew, 4) == std::string_view("PE\0\0", 4);
}

// One line for the listing: no newlines, at most 72 bytes.
static std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 72)) {
    if (c == '\0')
      break;
    out += c == '\n' ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

bool read_uki_contents(std::string_view bytes, UkiContents *out,
                       std::string *err) {
  PeImage pe;
  if (!parse_pe(bytes, &pe, err))
    return false;
  UkiContents c;
  int profile = -1; // -1 until the first .profile: the base sections
  for (const PeSection &s : pe.sections) {
    std::string_view data = section_contents(s);
    if (s.name == ".profile")
      profile++;
    UkiSectionInfo info{s.name, s.virtual_address, uint32_t(data.size()),
                        profile, ""};
    if (s.name == ".profile")
      info.detail = "ID=" + uki_profile_id(data);
    else if (s.name == ".cmdline" || s.name == ".uname")
      info.detail = one_line(data);
    // The stub hands the kernel the base .ucode and .initrd, in this order.
    if (profile < 0 && (s.name == ".ucode" || s.name == ".initrd"))
      c.initrd.insert(s.name == ".ucode" ? 0 : c.initrd.size(), data);
    c.sections.push_back(std::move(info));
  }
  if (!find_section(pe, ".initrd")) {
    *err = "a PE image without an .initrd section (not a UKI with an initrd)";
    return false;
  }
  *out = std::move(c);
  return true;
}

} // namespace initpack
