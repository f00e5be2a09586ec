// For tests of the image steps: the text of a file in a Tree, and a host
// file as a Tree file's content (a real ELF: /usr/bin/true).
#pragma once

#include "image/tree.h"

#include <gtest/gtest.h>
#include <string>
#include <sys/stat.h>

inline std::string text_of(const initpack::Tree &t, const std::string &path) {
  std::string data, err;
  EXPECT_TRUE(t.find(path)->inode->content->read(&data, &err)) << err;
  return data;
}

inline std::shared_ptr<const initpack::Content>
host_file(const std::string &path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return initpack::Content::from_disk(path, st.st_size);
}
