// Reading mkosi(1) and mkosi-initrd configuration as mkosi does, so a
// mkosi-initrd user's directory builds unchanged.
//
// A configuration directory DIR (a -C directory, an Include= directory, a
// system one such as /etc/mkosi-initrd, or a directory inside
// mkosi.conf.d/) is read in this order (mkosi(1), "Files"):
//   1. DIR/mkosi.local.conf, then DIR/mkosi.conf. When mkosi.conf's
//      [Match]/[TriggerMatch] do not hold, the whole directory is skipped.
//   2. DIR/mkosi.extra/ becomes an ExtraTrees= entry.
//   3. For each name in Profiles= so far: DIR/mkosi.profiles/NAME.conf,
//      or DIR/mkosi.profiles/NAME/ read as a directory.
//   4. DIR/mkosi.conf.d/: files ending in .conf and directories, together,
//      sorted by name (byte order); a directory is read like DIR, so its
//      own mkosi.conf gates it.
// Include=PATH ([Config]) reads a file or a directory at the point of the
// assignment. mkosi's built-in includes (Include=mkosi-initrd) are
// initpack's default profile already.
//
// mkosi's scripts (mkosi.postinst, mkosi.build …) and trees initpack cannot
// honour are refused with what to do instead; keys that mean nothing to an
// initrd builder are accepted with a warning saying why (mkosi_key()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// The loader's side of reading a mkosi directory.
class MkosiSink {
public:
  // Reads one configuration file; false when its [Match] does not hold or
  // it could not be read.
  virtual bool read_file(const std::string &path) = 0;
  // The Profiles= names assigned so far.
  virtual std::vector<std::string> profiles() = 0;
  // A mkosi.profiles/ entry was read for `name`: it is not one of
  // initpack's profiles.
  virtual void profile_read(const std::string &name) = 0;
  virtual void extra_tree(const std::string &dir) = 0;
  virtual void error(std::string msg) = 0;

protected:
  ~MkosiSink() = default;
};

// Reads `dir` in mkosi's order (above). Returns false when it holds no mkosi
// configuration at all (no mkosi.conf, mkosi.local.conf, mkosi.conf.d/,
// mkosi.extra/ or mkosi.profiles/).
bool read_mkosi_dir(const std::string &dir, MkosiSink &sink);

// What a key initpack's table does not declare means in mkosi.
struct MkosiKey {
  enum Kind {
    Unknown, // not a mkosi key either: the loader's "unknown setting"
    Alias,   // the same as initpack's key `text`
    Ignored, // meaningless for an initrd; `text` says why
    Refused, // cannot be honoured; `text` says what to do instead
    Include, // [Config] Include=
  } kind = Unknown;
  std::string text;
};
MkosiKey mkosi_key(std::string_view section, std::string_view key);

// mkosi's sections initpack's table has none of ([Runtime], [Host] …): every
// key in them is Ignored.
const std::vector<std::string> &mkosi_only_sections();

// mkosi's built-in configurations (Include=mkosi-initrd): "" when `name` is
// not one, else why it is not read.
std::string mkosi_builtin_include(std::string_view name);

} // namespace initpack
