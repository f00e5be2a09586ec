#include "inspect/cpio_reader.h"

#include <sys/stat.h>

namespace initpack {

namespace {

constexpr size_t kHeaderSize = 110;
constexpr uint32_t kPathMax = 4096;

size_t pad4(uint64_t pos) {
  return (4 - pos % 4) % 4;
}

bool parse_hex8(const char *s, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 8; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return false;
    v = v << 4 | uint32_t(d);
  }
  *out = v;
  return true;
}

std::string hex_byte(char c) {
  static const char digits[] = "0123456789abcdef";
  return {'0', 'x', digits[uint8_t(c) >> 4], digits[uint8_t(c) & 15]};
}

} // namespace

CpioParser::CpioParser(bool single_archive, bool keep_data, MemberFn on_member,
                       TrailerFn on_trailer)
    : single_(single_archive), keep_(keep_data),
      on_member_(std::move(on_member)), on_trailer_(std::move(on_trailer)) {}

bool CpioParser::fail(const std::string &what, std::string *err) const {
  *err = "cpio at offset " + std::to_string(pos_) + ": " + what;
  return false;
}

bool CpioParser::parse_header(std::string *err) {
  uint32_t f[13];
  for (int i = 0; i < 13; i++)
    if (!parse_hex8(collect_.data() + 6 + 8 * i, &f[i]))
      return fail("malformed header field " + std::to_string(i + 1) +
                      " in the member at offset " + std::to_string(cur_.offset),
                  err);
  crc_ = collect_.compare(0, 6, "070702") == 0;
  cur_.ino = f[0];
  cur_.mode = f[1];
  cur_.uid = f[2];
  cur_.gid = f[3];
  cur_.nlink = f[4];
  cur_.mtime = f[5];
  cur_.filesize = f[6];
  cur_.dev_major = f[7];
  cur_.dev_minor = f[8];
  cur_.rdev_major = f[9];
  cur_.rdev_minor = f[10];
  uint32_t namesize = f[11];
  crc_expected_ = f[12];
  crc_sum_ = 0;
  if (namesize == 0 || namesize > kPathMax)
    return fail("member at offset " + std::to_string(cur_.offset) +
                    " has a name size of " + std::to_string(namesize),
                err);
  state_ = State::Name;
  collect_.clear();
  want_ = namesize + pad4(pos_ + namesize);
  return true;
}

bool CpioParser::end_member(std::string *err) {
  if (S_ISREG(cur_.mode))
    cur_.sha256 = hash_->hex();
  if (crc_ && crc_sum_ != crc_expected_)
    return fail("bad data checksum for '" + cur_.name + "'", err);
  state_ = State::Between;
  return on_member_(cur_, err);
}

bool CpioParser::feed(const char *p, size_t n, size_t *used, std::string *err) {
  size_t i = 0;
  while (i < n && state_ != State::Done) {
    if (state_ == State::Between) {
      if (p[i] == 0) {
        i++, pos_++;
        continue;
      }
      if (p[i] != '0')
        return fail("junk byte " + hex_byte(p[i]) +
                        " where a cpio header "
                        "or NUL padding should be",
                    err);
      if (pos_ % 4)
        return fail("broken padding: a header must start 4-byte aligned", err);
      cur_ = CpioMember{};
      cur_.offset = pos_;
      collect_.clear();
      state_ = State::Header;
      want_ = kHeaderSize;
    }
    size_t take = std::min(want_, n - i);
    if (state_ == State::Header || state_ == State::Name)
      collect_.append(p + i, take);
    else if (state_ == State::Body) {
      if (S_ISREG(cur_.mode))
        hash_->update(p + i, take);
      if (S_ISLNK(cur_.mode) || (keep_ && S_ISREG(cur_.mode)))
        cur_.data.append(p + i, take);
      if (crc_)
        for (size_t k = 0; k < take; k++)
          crc_sum_ += uint8_t(p[i + k]);
    }
    i += take;
    pos_ += take;
    want_ -= take;
    if (want_ > 0)
      continue;
    switch (state_) {
    case State::Header:
      if (collect_.compare(0, 6, "070701") && collect_.compare(0, 6, "070702"))
        return fail("no cpio magic (only newc, \"070701\", is supported)", err);
      if (!parse_header(err))
        return false;
      break;
    case State::Name: {
      size_t len = collect_.find('\0');
      if (len == std::string::npos)
        return fail("member name is not NUL-terminated", err);
      cur_.name = collect_.substr(0, len);
      if (cur_.name == "TRAILER!!!") {
        archives_++;
        state_ = single_ ? State::Done : State::Between;
        if (!on_trailer_(err))
          return false;
        break;
      }
      if (S_ISREG(cur_.mode))
        hash_ = std::make_unique<Sha256>();
      state_ = State::Body;
      want_ = cur_.filesize;
      if (want_ == 0 && !end_member(err))
        return false;
      break;
    }
    case State::Body:
      state_ = State::BodyPad;
      want_ = pad4(pos_);
      if (want_ == 0 && !end_member(err))
        return false;
      break;
    case State::BodyPad:
      if (!end_member(err))
        return false;
      break;
    case State::Between:
    case State::Done:
      break;
    }
  }
  *used = i;
  return true;
}

bool CpioParser::finish(std::string *err) const {
  if (state_ == State::Between || state_ == State::Done)
    return true;
  bool in_header = state_ == State::Header || state_ == State::Name;
  return fail(in_header ? "truncated in the header of the member at offset " +
                              std::to_string(cur_.offset)
                        : "truncated in the data of '" + cur_.name + "'",
              err);
}

} // namespace initpack
