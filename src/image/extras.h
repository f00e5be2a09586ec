// Local additions and removals: ExtraTrees= copies host directories into
// the image (profiles' tree/ directories come through here too), and
// RemoveFiles= prunes paths and globs after everything else is in place.
#pragma once

#include <string>

namespace initpack {

struct Context;
class Tree;

// Adds the files below host directory `src` at `dst` in the tree (owned by
// root, modes kept, symlinks kept as symlinks). Returns false with a
// message naming the path on failure.
bool add_host_tree(Tree &tree, const std::string &src, const std::string &dst,
                   const std::string &origin, std::string *err);

// The passes.
void add_extra_trees(Context &ctx);
void remove_files(Context &ctx);

} // namespace initpack
