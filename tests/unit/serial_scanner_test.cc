// boot/serial_scanner.cc: markers found across reads, colours and
// control sequences ignored, memory bounded.
#include "boot/serial_scanner.h"

#include <gtest/gtest.h>

using namespace initpack;
using Kind = SerialScanner::Kind;

TEST(SerialScanner, FindsMarkerSplitAcrossReads) {
  SerialScanner s;
  s.add(Kind::Expect, "INITPACK-ROOT-REACHED");
  EXPECT_TRUE(s.feed("boot...\r\nINITPACK-RO").empty());
  EXPECT_TRUE(s.feed("OT-").empty());
  auto m = s.feed("REACHED uptime=11.20 3.5\r\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].kind, Kind::Expect);
  bool complete = false;
  EXPECT_EQ(s.line_at(m[0].offset, &complete),
            "INITPACK-ROOT-REACHED uptime=11.20 3.5");
  EXPECT_TRUE(complete);
  // Reported once only.
  EXPECT_TRUE(s.feed("INITPACK-ROOT-REACHED again\n").empty());
}

TEST(SerialScanner, LineIncompleteUntilNewline) {
  SerialScanner s;
  s.add(Kind::Expect, "MARK");
  auto m = s.feed("x MARK uptime=1");
  ASSERT_EQ(m.size(), 1u);
  bool complete = true;
  EXPECT_EQ(s.line_at(m[0].offset, &complete), "x MARK uptime=1");
  EXPECT_FALSE(complete);
  s.feed(".25\r\n");
  EXPECT_EQ(s.line_at(m[0].offset, &complete), "x MARK uptime=1.25");
  EXPECT_TRUE(complete);
}

TEST(SerialScanner, IgnoresAnsiColoursEvenWhenSplit) {
  SerialScanner s;
  s.add(Kind::Fail, "Failed to start initrd-switch-root.service");
  // systemd's status line, cut in the middle of an escape sequence.
  std::string line = "[\x1b[0;1;31mFAILED\x1b[0m] Failed to start "
                     "\x1b[0;1;39minitrd-switch-root.service\x1b[0m - Switch "
                     "Root.\r\n";
  std::vector<SerialScanner::Match> all;
  for (size_t i = 0; i < line.size(); i += 3) {
    auto m = s.feed(line.substr(i, 3));
    all.insert(all.end(), m.begin(), m.end());
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(s.text(), "[FAILED] Failed to start initrd-switch-root.service - "
                      "Switch Root.\n");
}

TEST(SerialScanner, CleansResetsCharsetsAndOsc) {
  EXPECT_EQ(clean_serial_text("\x1b"
                              "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS\r\n"),
            "SeaBIOS\n");
  EXPECT_EQ(clean_serial_text("a\x1b(Bb\x1b]0;title\x07"
                              "c\x1b]2;t\x1b\\d"),
            "abcd");
  // UTF-8 (systemd's ellipsis) passes through untouched.
  EXPECT_EQ(clean_serial_text("ser\xe2\x80\xa6"
                              "e"),
            "ser\xe2\x80\xa6"
            "e");
}

TEST(SerialScanner, OrdersMatchesByPositionAndRepeatsPrompts) {
  SerialScanner s;
  size_t ok = s.add(Kind::Expect, "ROOT");
  size_t panic = s.add(Kind::Fail, "Kernel panic");
  size_t pw = s.add(Kind::Prompt, "Passphrase:");
  auto m = s.feed("Passphrase: Passphrase: Kernel panic - not syncing\nROOT");
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].pattern, pw);
  EXPECT_EQ(m[1].pattern, pw);
  EXPECT_EQ(m[2].pattern, panic);
  EXPECT_EQ(m[3].pattern, ok);
  EXPECT_LT(m[2].offset, m[3].offset);
  // A prompt split across reads is still found, and only once.
  EXPECT_TRUE(s.feed("\nPass").empty());
  m = s.feed("phrase: ");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].kind, Kind::Prompt);
}

TEST(SerialScanner, TailReturnsLastLines) {
  SerialScanner s;
  s.feed("one\r\ntwo\r\nthree\r\nfour\r\n");
  EXPECT_EQ(s.tail(2), "three\nfour\n");
  EXPECT_EQ(s.tail(10), "one\ntwo\nthree\nfour\n");
  s.feed("partial");
  EXPECT_EQ(s.tail(2), "four\npartial");
}

TEST(SerialScanner, BoundsMemoryButKeepsMatching) {
  SerialScanner s;
  s.add(Kind::Expect, "THE-END");
  std::string junk(100000, 'x');
  for (int i = 0; i < 30; i++)
    EXPECT_TRUE(s.feed(junk + "\n").empty());
  EXPECT_LE(s.text().size(), SerialScanner::kMaxKept);
  auto m = s.feed("THE-");
  EXPECT_TRUE(m.empty());
  m = s.feed("END uptime=2\n");
  ASSERT_EQ(m.size(), 1u);
  bool complete;
  EXPECT_EQ(s.line_at(m[0].offset, &complete), "THE-END uptime=2");
}
