// For tests of the image steps: the text of a file in a Tree.
#pragma once

#include "image/tree.h"

#include <gtest/gtest.h>
#include <string>

inline std::string text_of(const initpack::Tree &t, const std::string &path) {
  std::string data, err;
  EXPECT_TRUE(t.find(path)->inode->content->read(&data, &err)) << err;
  return data;
}
