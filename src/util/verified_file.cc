#include "util/verified_file.h"

#include "util/fs.h"
#include "util/hash.h"
#include "util/strings.h"

namespace initpack {

VerifiedRead read_verified_file(const std::string &path, std::string *data,
                                std::string *why) {
  std::string recorded, err;
  if (!read_file(path, data, &err) ||
      !read_file(path + ".sha256", &recorded, &err))
    return VerifiedRead::Missing;
  std::string actual = sha256_hex(*data);
  if (trim(recorded) == actual)
    return VerifiedRead::Ok;
  *why = "content does not match its recorded SHA-256 (" + actual +
         ", recorded " + std::string(trim(recorded)) + ")";
  return VerifiedRead::Mismatch;
}

bool write_verified_file(const std::string &path, const std::string &data,
                         std::string *err) {
  return write_file(path, data, err) &&
         write_file(path + ".sha256", sha256_hex(data) + "\n", err);
}

CachedOutput cached_or_made(const std::string &path,
                            const std::function<std::string()> &make) {
  CachedOutput out;
  if (read_verified_file(path, &out.data, &out.damaged) == VerifiedRead::Ok) {
    out.from_cache = true;
    return out;
  }
  out.data = make();
  std::string err;
  if (!mkdir_p(dirname(path), &err) ||
      !write_verified_file(path, out.data, &err))
    out.store_error = err;
  return out;
}

} // namespace initpack
