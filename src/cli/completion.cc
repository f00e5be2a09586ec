#include "cli/completion.h"

#include "cli/cli_table.h"
#include "config/settings.h"
#include "util/strings.h"

namespace initpack {

namespace {

// The options a command accepts: its own, the settings' when it loads the
// configuration, and the global ones (they fall through to commands).
std::vector<CliOption> all_options(const std::vector<CliCommand> &cmds,
                                   const CliCommand &c) {
  std::vector<CliOption> out = c.options;
  if (c.config_options)
    for (CliOption &o : config_options())
      out.push_back(std::move(o));
  if (!c.name.empty())
    out.insert(out.end(), cmds[0].options.begin(), cmds[0].options.end());
  return out;
}

bool has_positional(const CliCommand &c) {
  for (const CliOption &o : c.options)
    if (o.positional)
      return true;
  return false;
}

// The shell words completing an option's value: "words zstd gzip",
// "files", "dirs" or "" (a value nothing can guess, such as a release).
std::string value_kind(const CliOption &o) {
  // Profile names come from the installed profiles: the completion asks
  // `initpack summary --profiles`.
  if (o.setting && std::string_view(o.setting->key) == "Profiles")
    return "profiles";
  if (!o.choices.empty())
    return "words " + join(o.choices, " ");
  if (o.wants_dir())
    return "dirs";
  if (o.wants_file())
    return "files";
  return "";
}

// --- bash ---

std::string bash_value_cases(const std::vector<CliOption> &opts) {
  std::string out;
  for (const CliOption &o : opts) {
    if (o.positional || !o.takes_value)
      continue;
    std::string kind = value_kind(o);
    out += "      " + join(o.names, "|") + ") _initpack_value " +
           (kind.empty() ? "none" : kind) + "; return ;;\n";
  }
  return out;
}

std::string bash_command_case(const std::vector<CliCommand> &cmds,
                              const CliCommand &c) {
  std::vector<CliOption> opts = all_options(cmds, c);
  std::vector<std::string> names{"--help"};
  for (const CliOption &o : opts)
    names.insert(names.end(), o.names.begin(), o.names.end());
  std::string out = "  " + (c.name.empty() ? "''" : c.name) + ")\n";
  out += "    case $prev in\n" + bash_value_cases(opts) + "    esac\n";
  out += "    opts='" + join(names, " ") + "'\n";
  if (c.name.empty()) {
    std::vector<std::string> commands;
    for (size_t i = 1; i < cmds.size(); i++)
      commands.push_back(cmds[i].name);
    out += "    [[ $cur == -* ]] || opts='" + join(commands, " ") + "'\n";
  } else if (has_positional(c)) {
    out += "    [[ $cur == -* ]] || { _initpack_value files; return; }\n";
  }
  return out + "    ;;\n";
}

// --- zsh ---

// Text for inside '…[DESCRIPTION]…' in an _arguments spec: the first
// sentence, with the characters _arguments or the quotes would take.
std::string zsh_description(const std::string &help) {
  // The first sentence ends at ". " before a capital ("e.g. bookworm" goes
  // on).
  size_t end = 0;
  while ((end = help.find(". ", end)) != std::string::npos &&
         !(end + 2 < help.size() && isupper((unsigned char)help[end + 2])))
    end += 2;
  std::string first = help.substr(0, end);
  if (first.ends_with('.'))
    first.pop_back();
  if (first.size() > 70)
    first = first.substr(0, 67) + "...";
  std::string out;
  for (char c : first) {
    if (c == '\'')
      out += "'\\''";
    else if (c == '[' || c == ']' || c == ':' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

std::string zsh_action(const CliOption &o) {
  // The value's name as _arguments' message: "SRC[:DST]" -> "SRC".
  std::string message;
  for (char c : o.metavar) {
    if (!isalnum((unsigned char)c) && c != '_' && c != '-')
      break;
    message += c;
  }
  std::string kind = value_kind(o);
  if (kind.starts_with("words "))
    return ":" + message + ":(" + kind.substr(6) + ")";
  if (kind == "dirs")
    return ":" + message + ":_files -/";
  if (kind == "profiles")
    return ":" + message + ":_initpack_profiles";
  if (kind == "files")
    return ":" + message + ":_files";
  return ":" + message + ": ";
}

// One _arguments spec per option: '*'{-o+,--output=}'[Output]:FILE:_files'.
// Every option may repeat ('*'): lists append and the last scalar wins.
std::string zsh_spec(const CliOption &o) {
  std::vector<std::string> names;
  for (const std::string &n : o.names)
    names.push_back(n + (!o.takes_value        ? ""
                         : n.starts_with("--") ? "="
                                               : "+"));
  std::string list =
      names.size() == 1 ? names[0] : "{" + join(names, ",") + "}";
  return "'*'" + list + "'[" + zsh_description(o.help) + "]" +
         (o.takes_value ? zsh_action(o) : "") + "'";
}

std::string zsh_command_function(const std::vector<CliCommand> &cmds,
                                 const CliCommand &c) {
  std::string out = "_initpack_" + c.name + "() {\n  _arguments -s -S \\\n";
  for (const CliOption &o : all_options(cmds, c))
    if (!o.positional)
      out += "    " + zsh_spec(o) + " \\\n";
  if (has_positional(c))
    out += "    '*:file:_files' \\\n";
  return out + "    '(-)'{-h,--help}'[Print the options]'\n}\n\n";
}

} // namespace

std::string bash_completion(const CLI::App &app) {
  std::vector<CliCommand> cmds = cli_commands(app);
  std::vector<std::string> commands;
  for (size_t i = 1; i < cmds.size(); i++)
    commands.push_back(cmds[i].name);
  std::string out = R"SH(# bash completion for initpack(1). Generated by
# `initpack generate bash-completion` from initpack's option tables; do not edit.

# _initpack_value KIND [WORDS…]: complete the value of an option.
_initpack_value() {
  case $1 in
  words) shift; COMPREPLY=($(compgen -P "$pre" -W "$*" -- "$cur")) ;;
  files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
  dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
  profiles) COMPREPLY=($(compgen -P "$pre" -W "$("${COMP_WORDS[0]}" summary --profiles 2>/dev/null | cut -d' ' -f1)" -- "$cur")) ;;
  *) COMPREPLY=() ;;
  esac
}

_initpack() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev= pre= cmd= opts i
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
  # --option=value: bash splits at '=' when COMP_WORDBREAKS has it.
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == --*=* ]]; then
    prev=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
)SH";
  out += "    " + join(commands, "|") + ") cmd=${COMP_WORDS[i]}; break ;;\n";
  out += "    esac\n  done\n  case $cmd in\n";
  for (const CliCommand &c : cmds)
    out += bash_command_case(cmds, c);
  out += R"(  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _initpack initpack
)";
  return out;
}

std::string zsh_completion(const CLI::App &app) {
  std::vector<CliCommand> cmds = cli_commands(app);
  std::string out = R"SH(#compdef initpack
# zsh completion for initpack(1). Generated by
# `initpack generate zsh-completion` from initpack's option tables; do not edit.

# Profile names and what each is for, from `initpack summary --profiles`
# ("lvm        An LVM root …" -> "lvm:An LVM root …").
_initpack_profiles() {
  local -a profiles
  profiles=(${(f)"$(${_initpack_program:-initpack} summary --profiles 2>/dev/null)"})
  profiles=(${profiles/[[:space:]]##/:})
  _describe -t profiles 'profile' profiles
}

)SH";
  for (size_t i = 1; i < cmds.size(); i++)
    out += zsh_command_function(cmds, cmds[i]);
  out += "_initpack() {\n  local curcontext=$curcontext state line ret=1\n"
         "  typeset -A opt_args\n"
         "  typeset -g _initpack_program=$words[1]\n  _arguments -C \\\n";
  for (const CliOption &o : cmds[0].options)
    out += "    " + zsh_spec(o) + " \\\n";
  out += "    '(-)'{-h,--help}'[Print the options]' \\\n"
         "    '1:command:->command' \\\n    '*::argument:->argument' && "
         "ret=0\n  case $state in\n  command)\n    local -a commands=(\n";
  for (size_t i = 1; i < cmds.size(); i++)
    out +=
        "      '" + cmds[i].name + ":" + zsh_description(cmds[i].help) + "'\n";
  out += "    )\n    _describe -t commands 'initpack command' commands && "
         "ret=0\n    ;;\n  argument)\n"
         "    curcontext=${curcontext%:*:*}:initpack-$words[1]:\n"
         "    (( $+functions[_initpack_$words[1]] )) && "
         "_initpack_$words[1] && ret=0\n    ;;\n  esac\n  return ret\n}\n\n"
         "_initpack \"$@\"\n";
  return out;
}

} // namespace initpack
