// Reading EROFS images for `initpack inspect` and `diff`: the stage-2
// images of Format=erofs and the sysext/confext .raw images, as
// output/erofs writes them (format.h): compact and extended inodes, inline
// xattrs (skipped), FLAT_PLAIN, FLAT_INLINE and COMPRESSED_FULL data with
// LZ4 and raw (PLAIN) clusters, directories, symlinks and device nodes.
// Uncompressed images mkfs.erofs makes read too; compact indexes, big
// clusters, LZMA, chunks, fragments and extra devices are refused by name.
//
// The image is untrusted: every offset and length it holds is checked
// against the file system's size before use, directory loops and inode
// records or data blocks shared between inodes are refused (they are what
// would let a small image claim unbounded work), and an error names the
// image and the byte offset at fault.
#pragma once

#include "inspect/initrd_reader.h"

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// True when `image` starts with an EROFS superblock (magic at byte 1024).
bool is_erofs_image(std::string_view image);

// Appends every entry of the image to *entries as segment number
// `segment` (an "erofs" one, described in *seg), in path order with "."
// (the root) first, a hardlinked file's later paths pointing at its first
// (InitrdEntry::hardlink). on_data as for read_initrd_bytes, called in
// entry order. Returns false with "name: offset N: what" in *err.
bool read_erofs_bytes(std::string_view image, const std::string &name,
                      int segment, InitrdSegment *seg,
                      std::vector<InitrdEntry> *entries, std::string *err,
                      const InitrdDataFn &on_data = {});

} // namespace initpack
