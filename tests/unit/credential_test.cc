// systemd credentials (codec/credential.h): the header layout byte by
// byte, a credential made by systemd-creds 252 decrypted by our code, round
// trips, and every altered byte refused. tests/e2e/credential.sh checks the
// other direction with systemd-creds itself.
#include "codec/credential.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace initpack;

namespace {

uint32_t le32_at(const std::string &s, size_t off) {
  uint32_t v;
  memcpy(&v, s.data() + off, 4);
  return v;
}

std::string encrypt(std::string_view value, const CredentialMetadata &meta) {
  std::string out, err;
  EXPECT_TRUE(encrypt_credential_null_key(value, meta, &out, &err)) << err;
  return out;
}

TEST(Credential, HeaderLayout) {
  std::string c = encrypt("v", {"marker", 1, kCredentialNoTime});
  // 32-byte header + 12-byte IV padded to 48; metadata 20 + "marker"
  // padded to 32; the value; the 16-byte tag.
  ASSERT_EQ(c.size(), 48u + 32u + 1u + 16u);
  const unsigned char null_key_id[16] = {0x05, 0x84, 0x69, 0xda, 0xf6, 0xf5,
                                         0x43, 0x24, 0x80, 0x05, 0x49, 0xda,
                                         0x0f, 0x8e, 0xa2, 0xfb};
  EXPECT_EQ(memcmp(c.data(), null_key_id, 16), 0);
  EXPECT_EQ(le32_at(c, 16), 32u); // key size
  EXPECT_EQ(le32_at(c, 20), 1u);  // block size
  EXPECT_EQ(le32_at(c, 24), 12u); // IV size
  EXPECT_EQ(le32_at(c, 28), 16u); // tag size
  EXPECT_EQ(c.substr(44, 4), std::string(4, '\0')) << "IV padding";
}

// Made on this machine by systemd 252:
//   printf 'hello\0world' >in; systemd-creds encrypt --name=foo
//     --with-key=tpm2-absent --timestamp=@1700000000
//     --not-after=@1800000000 in out.cred
TEST(Credential, DecryptsSystemdCreds252) {
  std::string text =
      "BYRp2vb1QySABUnaD46i+yAAAAABAAAADAAAABAAAABVZuUJ1rP+HueTthoAAAAADSqN6wv"
      "DGm85XaJ\nH9Jdj4aE7utTpNAkCvaUQ7RFjBHcUUlPFXAnsGBNEwbo5L/wywHqj\n";
  std::string binary, value, err;
  ASSERT_TRUE(base64_decode(text, &binary, &err)) << err;
  CredentialMetadata meta;
  ASSERT_TRUE(decrypt_credential_null_key(binary, &meta, &value, &err)) << err;
  EXPECT_EQ(value, std::string("hello\0world", 11));
  EXPECT_EQ(meta.name, "foo");
  EXPECT_EQ(meta.timestamp_usec, 1700000000ull * 1000000);
  EXPECT_EQ(meta.not_after_usec, 1800000000ull * 1000000);
}

TEST(Credential, RoundTrip) {
  for (std::string value :
       {std::string(), std::string("a\0b\n", 4), std::string(10000, 'x')}) {
    CredentialMetadata in{"name.with-dots", 5, 6}, out;
    std::string c = encrypt(value, in), back, err;
    ASSERT_TRUE(decrypt_credential_null_key(c, &out, &back, &err)) << err;
    EXPECT_EQ(back, value);
    EXPECT_EQ(out.name, in.name);
    EXPECT_EQ(out.timestamp_usec, 5u);
    EXPECT_EQ(out.not_after_usec, 6u);
  }
  // No name, no times.
  CredentialMetadata out;
  std::string back, err;
  ASSERT_TRUE(decrypt_credential_null_key(encrypt("v", {}), &out, &back, &err));
  EXPECT_EQ(out.name, "");
  EXPECT_EQ(out.timestamp_usec, kCredentialNoTime);
}

TEST(Credential, SameInputsSameBytes) {
  CredentialMetadata meta{"n", 1, kCredentialNoTime};
  EXPECT_EQ(encrypt("value", meta), encrypt("value", meta));
  // A different value, name or time gives a different IV (bytes 32..44).
  std::string a = encrypt("value", meta);
  EXPECT_NE(a.substr(32, 12), encrypt("valuf", meta).substr(32, 12));
  EXPECT_NE(a.substr(32, 12),
            encrypt("value", {"m", 1, kCredentialNoTime}).substr(32, 12));
  EXPECT_NE(a.substr(32, 12),
            encrypt("value", {"n", 2, kCredentialNoTime}).substr(32, 12));
}

TEST(Credential, EveryAlteredByteIsRefused) {
  std::string c = encrypt("secret", {"marker", 1, kCredentialNoTime});
  for (size_t i = 0; i < c.size(); ++i) {
    std::string bad = c, value, err;
    bad[i] ^= 0x01;
    CredentialMetadata meta;
    EXPECT_FALSE(decrypt_credential_null_key(bad, &meta, &value, &err))
        << "byte " << i;
    EXPECT_FALSE(err.empty());
  }
  std::string value, err;
  CredentialMetadata meta;
  EXPECT_FALSE(decrypt_credential_null_key(c.substr(0, c.size() - 1), &meta,
                                           &value, &err));
  EXPECT_FALSE(
      decrypt_credential_null_key(c.substr(0, 40), &meta, &value, &err));
  EXPECT_EQ(err, "too short for its header, metadata and tag");
}

TEST(Credential, OtherKeysAreNamed) {
  std::string c = encrypt("v", {}), value, err;
  c[0] = 0x5a; // CRED_AES256_GCM_BY_HOST starts 5a 1c
  c[1] = 0x1c;
  CredentialMetadata meta;
  EXPECT_FALSE(decrypt_credential_null_key(c, &meta, &value, &err));
  EXPECT_NE(err.find("not sealed with the null key"), std::string::npos);
}

TEST(Credential, BadInputsAreRefused) {
  std::string out, err;
  EXPECT_FALSE(encrypt_credential_null_key("v", {"a/b", 1, kCredentialNoTime},
                                           &out, &err));
  EXPECT_EQ(err, "invalid credential name 'a/b': contains '/'");
  EXPECT_FALSE(encrypt_credential_null_key("v", {"n", 10, 10}, &out, &err));
  EXPECT_EQ(err,
            "the credential expires (not-after) before it is made (timestamp)");
  std::string why;
  EXPECT_TRUE(credential_name_valid("io.systemd.foo_bar-1", &why));
  EXPECT_FALSE(credential_name_valid("", &why));
  EXPECT_FALSE(credential_name_valid("..", &why));
  EXPECT_FALSE(credential_name_valid("a:b", &why));
  EXPECT_EQ(why, "contains ':'");
  EXPECT_FALSE(credential_name_valid("tab\there", &why));
  EXPECT_FALSE(credential_name_valid(std::string(256, 'a'), &why));
  EXPECT_TRUE(credential_name_valid(std::string(255, 'a'), &why));
}

TEST(Credential, Base64) {
  EXPECT_EQ(base64_encode("", 0), "\n");
  EXPECT_EQ(base64_encode("hello", 0), "aGVsbG8=\n");
  EXPECT_EQ(base64_encode(std::string(60, 'a'), 79).find('\n'), 79u);
  for (std::string s : {std::string(""), std::string("a"), std::string("ab"),
                        std::string("abc"), std::string("\0\xff\x01", 3)}) {
    std::string back, err;
    ASSERT_TRUE(base64_decode(base64_encode(s), &back, &err)) << err;
    EXPECT_EQ(back, s);
  }
  std::string out, err;
  EXPECT_FALSE(base64_decode("abc", &out, &err));
  EXPECT_FALSE(base64_decode("ab!d", &out, &err));
}

TEST(Credential, Times) {
  uint64_t t = 0;
  std::string err;
  ASSERT_TRUE(parse_credential_time("@1700000000", &t, &err)) << err;
  EXPECT_EQ(t, 1700000000ull * 1000000);
  ASSERT_TRUE(parse_credential_time("2023-11-14 22:13:20", &t, &err)) << err;
  EXPECT_EQ(t, 1700000000ull * 1000000);
  ASSERT_TRUE(parse_credential_time("2023-11-14T22:13:20Z", &t, &err)) << err;
  EXPECT_EQ(t, 1700000000ull * 1000000);
  ASSERT_TRUE(parse_credential_time("1970-01-02", &t, &err)) << err;
  EXPECT_EQ(t, 86400ull * 1000000);
  ASSERT_TRUE(parse_credential_time("infinity", &t, &err));
  EXPECT_EQ(t, kCredentialNoTime);
  EXPECT_FALSE(parse_credential_time("tomorrow", &t, &err));
  EXPECT_NE(err.find("give @SECONDS"), std::string::npos);
  EXPECT_FALSE(parse_credential_time("2023-13-01", &t, &err));
  EXPECT_FALSE(parse_credential_time("@12x", &t, &err));
  EXPECT_FALSE(parse_credential_time("@-5", &t, &err));
  EXPECT_FALSE(parse_credential_time("@ 5", &t, &err));
  EXPECT_FALSE(parse_credential_time("2023-11-14 25:00:00", &t, &err));
  EXPECT_EQ(err, "'2023-11-14 25:00:00' is not a valid date and time");
  EXPECT_FALSE(parse_credential_time("@99999999999999999", &t, &err));
  // 20 digits beyond 2^64: found by the fuzzer (an uncaught exception).
  EXPECT_FALSE(parse_credential_time("@20402020220002402020", &t, &err));
}

} // namespace
