// Shell completion for bash and zsh, generated at build time by
// `initpack generate bash-completion|zsh-completion` from the same command
// table as initpack(1) (cli/cli_table.h): commands, their options, and the
// values of options the settings table knows (--compression zstd|…) or
// that name files. Installed to share/bash-completion/completions/initpack
// and share/zsh/vendor-completions/_initpack.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace initpack {

// A script defining _initpack and registering it with `complete -F`.
std::string bash_completion(const CLI::App &app);
// An autoloadable #compdef file for zsh's compinit.
std::string zsh_completion(const CLI::App &app);

} // namespace initpack
