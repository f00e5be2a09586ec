// A private configuration world for the config_*_test.cc files: system
// config directories, a profiles directory and an os-release file inside a
// temporary directory, so no test reads the real /etc.
#pragma once

#include "config/load.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace initpack {

class ConfigWorld : public ::testing::Test {
protected:
  void SetUp() override {
    root = tmp.path();
    usr = root + "/usr/lib/initpack";
    etc = root + "/etc/initpack";
    profiles = root + "/profiles";
    cli.system_config_dirs = std::vector<std::string>{usr, etc};
    cli.profiles_dir = profiles;
    cli.os_release = root + "/os-release";
    write("os-release", "ID=debian\nVERSION_CODENAME=bookworm\n");
    write("profiles/default/profile.conf", "# the base\n");
    unsetenv("SOURCE_DATE_EPOCH");
  }

  // Writes `text` to root/relpath, creating directories.
  std::string write(const std::string &relpath, const std::string &text) {
    std::string path = root + "/" + relpath, err;
    EXPECT_TRUE(mkdir_p(dirname(path), &err)) << err;
    EXPECT_TRUE(write_file(path, text, &err)) << err;
    return path;
  }

  Config load() {
    errors.clear();
    notes.clear();
    warnings.clear();
    return resolve_config(cli, &errors, &notes, &warnings);
  }

  // Loads and expects no errors.
  Config load_ok() {
    Config c = load();
    EXPECT_EQ(errors, std::vector<std::string>{});
    return c;
  }

  TempDir tmp{"initpack-config-test"};
  std::string root, usr, etc, profiles;
  CliConfig cli;
  std::vector<std::string> errors, notes, warnings;
};

using Strings = std::vector<std::string>;

} // namespace initpack
