// libsolv's headers, for C++20: its Solvable has a member named `requires`,
// a keyword since C++20, so it is spelled `requires_` here (same layout).
// Include libsolv only through this file.
#pragma once

#define requires requires_
extern "C" {
#include <solv/evr.h>
#include <solv/knownid.h>
#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/repo.h>
#include <solv/repo_deb.h>
#include <solv/repo_solv.h>
#include <solv/repo_write.h>
#include <solv/repodata.h>
#include <solv/selection.h>
#include <solv/solvable.h>
#include <solv/solver.h>
#include <solv/solverdebug.h>
}
#undef requires
