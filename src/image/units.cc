#include "image/units.h"
#include "util/strings.h"

#include "context.h"

#include <set>

namespace initpack {

static void append_words(std::vector<std::string> *out, std::string_view v) {
  size_t i = 0;
  while (i < v.size()) {
    size_t j = v.find_first_of(" \t", i);
    if (j == std::string_view::npos)
      j = v.size();
    if (j > i)
      out->emplace_back(v.substr(i, j - i));
    i = j + 1;
  }
}

InstallSection parse_install_section(std::string_view text) {
  InstallSection s;
  bool in_install = false;
  for (std::string_view raw : split_lines(text)) {
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    if (line[0] == '[') {
      in_install = line == "[Install]";
      continue;
    }
    size_t eq = line.find('=');
    if (!in_install || eq == std::string_view::npos)
      continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (key == "WantedBy")
      append_words(&s.wanted_by, value);
    else if (key == "RequiredBy")
      append_words(&s.required_by, value);
    else if (key == "UpheldBy")
      append_words(&s.upheld_by, value);
    else if (key == "Alias")
      append_words(&s.alias, value);
    else if (key == "Also")
      append_words(&s.also, value);
    else if (key == "DefaultInstance")
      s.default_instance = value;
  }
  return s;
}

// Finds the file for `unit` ("foo.service", "foo@bar.service"): etc first,
// then usr/lib, as systemd's search path does.
static std::string find_unit_file(const Tree &tree, const std::string &unit) {
  std::string file = unit;
  size_t at = unit.find('@');
  size_t dot = unit.rfind('.');
  if (at != std::string::npos && dot != std::string::npos && dot > at + 1)
    file = unit.substr(0, at + 1) + unit.substr(dot); // the template
  for (const char *dir : {"etc/systemd/system/", "usr/lib/systemd/system/"}) {
    std::string path, err;
    if (tree.resolve(std::string(dir) + file, true, &path, &err) &&
        tree.contains(path))
      return std::string(dir) + file;
  }
  return "";
}

void enable_units(Context &ctx) {
  Timer t(ctx, "enable units");
  std::vector<std::string> todo(ctx.config.enable_units.rbegin(),
                                ctx.config.enable_units.rend());
  std::set<std::string> done;
  const std::string origin = "initpack:enable-units";
  while (!todo.empty()) {
    std::string unit = todo.back();
    todo.pop_back();
    if (!done.insert(unit).second)
      continue;
    std::string file = find_unit_file(ctx.tree, unit);
    if (file.empty())
      Fatal(ctx)
          << "EnableUnits=" << unit
          << ": no such unit in the image (is its package in Packages=?)";
    std::string resolved, text, err;
    if (!ctx.tree.resolve(file, true, &resolved, &err) ||
        !ctx.tree.find(resolved)->inode->content ||
        !ctx.tree.find(resolved)->inode->content->read(&text, &err))
      Fatal(ctx) << "EnableUnits=" << unit << ": cannot read " << file << ": "
                 << err;
    InstallSection inst = parse_install_section(text);
    std::string name = unit;
    if (name.find("@.") != std::string::npos && !inst.default_instance.empty())
      name.insert(name.find("@.") + 1, inst.default_instance);
    std::string target = "/" + file;
    auto link = [&](const std::string &dir_suffix, const std::string &by) {
      ctx.tree.add_symlink("etc/systemd/system/" + by + dir_suffix + "/" + name,
                           target, origin);
    };
    for (const std::string &by : inst.wanted_by)
      link(".wants", by);
    for (const std::string &by : inst.required_by)
      link(".requires", by);
    for (const std::string &by : inst.upheld_by)
      link(".upholds", by);
    for (const std::string &a : inst.alias)
      ctx.tree.add_symlink("etc/systemd/system/" + a, target, origin);
    for (const std::string &also : inst.also)
      todo.push_back(also);
    if (inst.wanted_by.empty() && inst.required_by.empty() &&
        inst.upheld_by.empty() && inst.alias.empty() && inst.also.empty())
      StrictWarn(ctx)
          << "EnableUnits=" << unit
          << ": the unit has no [Install] section; nothing to enable";
    Log(ctx) << "enabled " << name;
  }
}

} // namespace initpack
