// libsolv's ids and problems in Debian's words: "libc6 (>= 2.34)",
// "systemd 252.39-1~deb12u1", "app 1.0 depends on libfoo (>= 2), which no
// package provides".
#pragma once

#include "packages/solv.h"
#include "util/strings.h"

#include <string>
#include <vector>

namespace initpack {

// A dependency as a control file writes it: "a (>= 1) | b:any".
std::string dep_text(Pool *pool, Id dep);
// Whether package p is one of dep's providers.
bool provides(Pool *pool, Id dep, Id p);

// "name version".
std::string solvable_text(Pool *pool, Id p);
// How package p satisfies dep: "libc6 (>= 2.34)", "mail-transport-agent
// (provided by tiny-mta)", "first alternative of a | b", …
std::string describe_match(Pool *pool, Id dep, Id p);
// Every problem of a failed solve: what conflicts with what, and the ways
// out libsolv sees.
std::string describe_problems(Solver *solv);

} // namespace initpack
