#include "cli/cli_table.h"

#include "config/settings.h"

namespace initpack {

namespace {

// CLI11 help texts are wrapped with '\n' for --help's column.
std::string one_line(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      c = ' ';
    if (c != ' ' || (!out.empty() && out.back() != ' '))
      out += c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

// A setting's flags, "--hostonly,!--no-hostonly", as names.
std::vector<std::string> flag_names(const Setting &s) {
  std::vector<std::string> names;
  std::string flags = s.flags;
  for (size_t pos = 0; pos < flags.size();) {
    size_t end = std::min(flags.find(',', pos), flags.size());
    std::string name = flags.substr(pos, end - pos);
    names.push_back(name.starts_with('!') ? name.substr(1) : name);
    pos = end + 1;
  }
  return names;
}

std::vector<std::string> option_names(const CLI::Option &o) {
  std::vector<std::string> names;
  for (const std::string &s : o.get_snames())
    names.push_back("-" + s);
  for (const std::string &l : o.get_lnames())
    names.push_back("--" + l);
  return names;
}

// By long name only: a command's own short option may reuse a setting's
// letter (qemu's -m is --memory, the settings' -m is --mirror).
const Setting *setting_of(const std::vector<std::string> &names) {
  for (const Setting &s : settings())
    for (const std::string &f : flag_names(s))
      for (const std::string &n : names)
        if (f == n && n.starts_with("--"))
          return &s;
  return nullptr;
}

CliOption option_of(const CLI::Option &o) {
  CliOption c;
  c.names = option_names(o);
  c.positional = c.names.empty();
  c.help = one_line(o.get_description());
  // As CLI11's own --help tells a flag: no value text, no type name.
  c.takes_value = !o.get_option_text().empty() ||
                  (o.get_type_size() != 0 && !o.get_type_name().empty());
  if (c.positional)
    c.metavar = o.get_name(true);
  else if (c.takes_value)
    c.metavar =
        !o.get_option_text().empty() ? o.get_option_text() : o.get_type_name();
  if (c.takes_value && !o.get_default_str().empty())
    c.help += std::string(c.help.empty() || c.help.ends_with('.') ? "" : ".") +
              (c.help.empty() ? "" : " ") + "Default: " + o.get_default_str() +
              ".";
  return c;
}

CliOption option_of(const Setting &s) {
  CliOption c;
  c.names = flag_names(s);
  c.setting = &s;
  c.help = s.help;
  c.takes_value = s.type != SettingType::Bool;
  if (c.takes_value)
    c.metavar =
        std::string(s.metavar) + (s.type == SettingType::List ? " ..." : "");
  c.choices.assign(s.choices.begin(), s.choices.end());
  return c;
}

CliCommand command_of(const CLI::App &app, const std::string &name) {
  // The first line is the summary; the lines after it (examples laid out
  // in columns) are kept as they are.
  std::string text = app.get_description();
  size_t nl = text.find('\n');
  CliCommand cmd;
  cmd.name = name;
  cmd.help = one_line(text.substr(0, nl));
  if (nl != std::string::npos)
    cmd.details = text.substr(nl + 1);
  const CLI::Option *help = app.get_help_ptr();
  for (const CLI::Option *o : app.get_options()) {
    if (o == help || o->get_group().empty())
      continue;
    if (setting_of(option_names(*o))) {
      cmd.config_options = true;
      continue;
    }
    cmd.options.push_back(option_of(*o));
  }
  return cmd;
}

} // namespace

bool CliOption::wants_dir() const {
  if (setting)
    return setting->type == SettingType::Path && metavar.starts_with("DIR");
  return metavar.starts_with("DIR");
}

bool CliOption::wants_file() const {
  if (setting)
    return setting->type == SettingType::Path || setting->relative_to_file;
  // A command's own option: by its value's name; numbers are not files.
  static const char *const numbers[] = {"INT", "UINT", "FLOAT", "NUMBER"};
  for (const char *n : numbers)
    if (metavar == n)
      return false;
  return takes_value && choices.empty();
}

std::vector<CliCommand> cli_commands(const CLI::App &app) {
  std::vector<CliCommand> out{command_of(app, "")};
  // The root's description is the program's, not a command's.
  out[0].help.clear();
  for (const CLI::App *sub : app.get_subcommands({}))
    if (!sub->get_group().empty())
      out.push_back(command_of(*sub, sub->get_name()));
  return out;
}

std::vector<CliOption> config_options() {
  std::vector<CliOption> out;
  for (const Setting &s : settings())
    if (*s.flags)
      out.push_back(option_of(s));
  return out;
}

} // namespace initpack
