// The generated documents stay in step with the settings table, and the
// table itself is consistent.
#include "config/settings.h"
#include "config/summary.h"
#include "util/fs.h"

#include <gtest/gtest.h>

#include <set>

using namespace initpack;

static std::string committed(const std::string &name) {
  // The source tree's doc/, found beside its profiles/.
  std::string path = dirname(INITPACK_SOURCE_PROFILES_DIR) + "/doc/" + name;
  std::string text, err;
  EXPECT_TRUE(read_file(path, &text, &err)) << err;
  return text;
}

TEST(ConfigDoc, ManPageIsUpToDate) {
  EXPECT_TRUE(committed("initpack.conf.5.md") == render_doc())
      << "doc/initpack.conf.5.md is stale; regenerate it with\n"
         "  build/initpack summary --doc > doc/initpack.conf.5.md";
}

TEST(ConfigDoc, SampleIsUpToDate) {
  EXPECT_TRUE(committed("initpack.conf.sample") == render_sample())
      << "doc/initpack.conf.sample is stale; regenerate it with\n"
         "  build/initpack summary --sample > doc/initpack.conf.sample";
}

TEST(ConfigDoc, EverySettingIsDocumented) {
  std::string doc = render_doc(), sample = render_sample();
  for (const Setting &s : settings()) {
    EXPECT_NE(doc.find("`" + std::string(s.key) + "=`"), std::string::npos)
        << s.key;
    EXPECT_NE(sample.find("#" + std::string(s.key) + "="), std::string::npos)
        << s.key;
  }
}

TEST(ConfigTable, KeysAndFlagsAreUniqueAndListsAppend) {
  std::set<std::string> keys, flags;
  for (const Setting &s : settings()) {
    EXPECT_TRUE(keys.insert(s.key).second) << "duplicate key " << s.key;
    std::string f = s.flags;
    for (size_t pos = 0; pos < f.size();) {
      size_t end = std::min(f.find(',', pos), f.size());
      std::string name = f.substr(pos, end - pos);
      EXPECT_TRUE(flags.insert(name).second) << "duplicate flag " << name;
      pos = end + 1;
    }
    EXPECT_EQ(s.merge == Merge::Append, s.type == SettingType::List) << s.key;
    EXPECT_EQ(s.choices.empty(), s.type != SettingType::Enum) << s.key;
    EXPECT_TRUE(*s.flags) << s.key << " has no command-line flag";
  }
}

// The sample, uncommented, is a valid configuration giving the defaults.
TEST(ConfigDoc, SampleDefaultsParseBackToTheDefaults) {
  Config defaults;
  for (const Setting &s : settings()) {
    SettingValue v;
    std::string err;
    ASSERT_TRUE(
        parse_setting_value(s, format_setting(defaults, s), "", &v, &err))
        << s.key << ": " << err;
    Config c;
    apply_setting(c, s, v);
    EXPECT_EQ(format_setting(c, s), format_setting(defaults, s)) << s.key;
  }
}
