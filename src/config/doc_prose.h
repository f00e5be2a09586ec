// The prose of the man pages, kept as Markdown under doc/ and compiled in
// by CMake (cmake/doc_prose.cc.in), so that the binary generates its pages
// (`initpack summary --doc`, `initpack generate man1|man5`) with no data
// files to find at run time and the pages always match the binary's
// tables. The per-setting and per-command parts are generated from the
// tables; this text explains the rules load.cc, ini.cc and match.cc
// implement: keep it in step with those files' header comments.
#pragma once

namespace initpack {

// doc/initpack.conf.5.prose.md: initpack.conf(5) up to its SETTINGS
// heading.
extern const char *const kConfManProse;
// doc/initpack.1.prose.md: initpack(1), with a line "@COMMANDS@" where the
// generated command reference goes.
extern const char *const kCliManProse;

} // namespace initpack
