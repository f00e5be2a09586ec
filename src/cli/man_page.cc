#include "cli/man_page.h"

#include "cli/cli_table.h"
#include "cli/roff.h"
#include "config/doc_prose.h"
#include "config/settings.h"
#include "config/summary.h"

namespace initpack {

namespace {

// "`-o FILE`, `--output=FILE`" as a definition list term.
std::string option_term(const CliOption &o) {
  if (o.positional)
    return "`" + o.metavar + "`";
  std::string out;
  for (const std::string &n : o.names) {
    std::string v = !o.takes_value        ? ""
                    : n.starts_with("--") ? "=" + o.metavar
                                          : " " + o.metavar;
    out += (out.empty() ? "`" : ", `") + n + v + "`";
  }
  return out;
}

std::string option_entry(const CliOption &o, const std::string &extra = "") {
  std::string help = o.help.empty() ? "(no description)" : o.help;
  if (!o.choices.empty()) {
    help += " One of:";
    for (size_t i = 0; i < o.choices.size(); i++)
      help += (i ? ", `" : " `") + o.choices[i] + "`";
    help += ".";
  }
  return "\n" + option_term(o) + "\n:   " + help + extra + "\n";
}

std::string synopsis(const CliCommand &c) {
  std::string out = "**initpack " + c.name + "**";
  if (!c.options.empty() || c.config_options)
    out += " [OPTIONS]";
  for (const CliOption &o : c.options)
    if (o.positional)
      out += " " + o.metavar;
  return out;
}

std::string commands_doc(const std::vector<CliCommand> &cmds) {
  std::string out = "# COMMANDS\n";
  for (size_t i = 1; i < cmds.size(); i++) {
    const CliCommand &c = cmds[i];
    out += "\n## " + c.name + "\n\n" + synopsis(c) + "\n\n" + c.help + "\n";
    if (!c.details.empty())
      out += "\n```\n" + c.details + "\n```\n";
    for (const CliOption &o : c.options)
      out += option_entry(o);
    if (c.config_options)
      out += "\nand every option of CONFIGURATION OPTIONS.\n";
  }
  out += "\n# GLOBAL OPTIONS\n\nThese go before or after the command.\n";
  for (const CliOption &o : cmds[0].options)
    out += option_entry(o);
  out += "\n`-h`, `--help`\n:   Print the options of initpack or of a "
         "command, then exit.\n";
  out += "\n# CONFIGURATION OPTIONS\n\nEach sets the initpack.conf(5) "
         "setting named after it, over what the files say. A list option "
         "may be repeated; an empty value (`--package ''`) clears the list "
         "as the empty assignment does in a file.\n";
  for (const CliOption &o : config_options())
    out += option_entry(o, std::string("\n\n    File: [") + o.setting->section +
                               "] `" + o.setting->key + "=`.");
  return out;
}

std::string source() {
  return "initpack " INITPACK_VERSION;
}

} // namespace

std::string render_cli_doc(const CLI::App &app) {
  std::string prose = kCliManProse;
  std::string marker = "@COMMANDS@\n";
  size_t at = prose.find(marker);
  std::string generated = commands_doc(cli_commands(app));
  if (at == std::string::npos)
    return prose + "\n" + generated;
  return prose.replace(at, marker.size(), generated);
}

std::string man1_page(const CLI::App &app, const std::string &date) {
  return markdown_to_man({"initpack", "1", source(), "User Commands", date},
                         render_cli_doc(app));
}

std::string man5_page(const std::string &date) {
  return markdown_to_man({"initpack.conf", "5", source(), "File Formats", date},
                         render_doc());
}

} // namespace initpack
