// The command-line side of the settings table: one option per setting,
// registered on any subcommand that loads the configuration (build,
// summary), with --help text generated from the table.
#include "config/load.h"
#include "config/settings.h"

#include <algorithm>

namespace initpack {

namespace {

// Wraps `text` for a --help column (CLI11 indents the lines after '\n').
std::string wrap_help(const std::string &text, size_t width = 46) {
  std::string out;
  size_t col = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find(' ', pos), text.size());
    std::string word = text.substr(pos, end - pos);
    pos = end + 1;
    if (col > 0 && col + 1 + word.size() > width) {
      out += "\n";
      col = 0;
    } else if (col > 0) {
      out += " ";
      col++;
    }
    out += word;
    col += word.size();
  }
  return out;
}

// --help text of a setting's flag: its help, allowed values, default and
// where it goes in a file.
std::string option_help(const Setting &s) {
  std::string help = s.help;
  if (!s.choices.empty()) {
    help += " One of: ";
    for (size_t i = 0; i < s.choices.size(); i++)
      help += (i ? ", " : "") + std::string(s.choices[i]);
    help += ".";
  }
  std::string def = s.default_doc ? s.default_doc : format_setting(Config{}, s);
  std::string facts = def.empty() ? "" : "Default: " + def + ". ";
  facts += "File: [" + std::string(s.section) + "] " + s.key + "=";
  return wrap_help(help) + "\n" + wrap_help(facts);
}

// CLI11 shows a negated flag as "--no-hostonly{false}"; show the flag.
class OptionFormatter : public CLI::Formatter {
public:
  std::string make_option_name(const CLI::Option *opt,
                               bool positional) const override {
    std::string name = Formatter::make_option_name(opt, positional);
    for (size_t b; (b = name.find('{')) != std::string::npos;)
      name.erase(b, name.find('}', b) - b + 1);
    return name;
  }
};

} // namespace

void add_config_options(CLI::App &cmd, CliConfig &cli,
                        std::initializer_list<std::string_view> only) {
  auto formatter = std::make_shared<OptionFormatter>();
  formatter->column_width(32);
  cmd.formatter(formatter);
  cmd.add_option("-C,--config-dir", cli.config_dirs,
                 wrap_help("Also read DIR/initpack.conf and "
                           "DIR/initpack.conf.d/*.conf (and mkosi's "
                           "DIR/mkosi.conf, mkosi.conf.d/, mkosi.extra/), "
                           "after the system's files (/etc/initpack …). "
                           "Repeatable."))
      ->option_text("DIR ...")
      ->allow_extra_args(false)
      ->group("Configuration files");
  if (only.size() == 0)
    cmd.add_option("--dracut-config", cli.dracut_configs,
                   wrap_help("Also read a dracut.conf(5) file, or a "
                             "directory's *.conf files (/etc/dracut.conf.d), "
                             "before initpack's own files: add_drivers, "
                             "force_drivers, omit_drivers, install_items, "
                             "add_dracutmodules, compress, hostonly, "
                             "kernel_cmdline, uefi… become initpack settings; "
                             "what does not map is a warning. Repeatable."))
        ->option_text("PATH ...")
        ->allow_extra_args(false)
        ->group("Configuration files");
  for (const Setting &s : settings()) {
    if (!*s.flags || (only.size() &&
                      std::find(only.begin(), only.end(), s.key) == only.end()))
      continue;
    std::vector<std::string> &values = cli.values[s.key];
    CLI::Option *o;
    if (s.type == SettingType::Bool) {
      o = cmd.add_flag(s.flags, values, option_help(s));
    } else {
      o = cmd.add_option(s.flags, values, option_help(s));
      bool list = s.type == SettingType::List;
      o->option_text(s.metavar + std::string(list ? " ..." : ""));
      o->allow_extra_args(false);
    }
    o->group(std::string("[") + s.section + "] settings");
  }
}

} // namespace initpack
