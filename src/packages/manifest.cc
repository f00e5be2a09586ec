#include "packages/manifest.h"

#include "packages/cache.h"
#include "util/fs.h"
#include "util/hash.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace initpack {

namespace {

using nlohmann::json;

struct TypeName {
  NodeType type;
  const char *name;
};
constexpr TypeName kTypeNames[] = {
    {NodeType::File, "file"},         {NodeType::Dir, "dir"},
    {NodeType::Symlink, "symlink"},   {NodeType::CharDev, "chardev"},
    {NodeType::BlockDev, "blockdev"}, {NodeType::Fifo, "fifo"},
    {NodeType::Socket, "socket"},
};

const char *type_name(const PackageFile &f) {
  if (f.hardlink)
    return "hardlink";
  for (const TypeName &t : kTypeNames)
    if (t.type == f.type)
      return t.name;
  return "file";
}

// ordered_json keeps the keys in this order: path first reads best.
nlohmann::ordered_json file_to_json(const PackageFile &f) {
  nlohmann::ordered_json j = {{"path", f.path}, {"type", type_name(f)}};
  if (f.type != NodeType::Symlink)
    j["mode"] = fmt::format("{:04o}", f.mode);
  j["uid"] = f.uid;
  j["gid"] = f.gid;
  if (f.type == NodeType::File) {
    j["size"] = f.size;
    j["sha256"] = f.sha256;
  }
  if (f.hardlink)
    j["link"] = f.link;
  if (f.type == NodeType::Symlink)
    j["target"] = f.link;
  if (f.type == NodeType::CharDev || f.type == NodeType::BlockDev)
    j["rdev"] = {f.rdev_major, f.rdev_minor};
  return j;
}

// Throws json::exception on missing or mistyped fields; *err for values
// that parse but cannot be right.
bool file_from_json(const json &j, PackageFile *f, std::string *err) {
  std::string why;
  if (!normalize_member_name(j.at("path").get<std::string>(), &f->path, &why)) {
    *err = "bad path " + j.at("path").dump() + ": " + why;
    return false;
  }
  std::string type = j.at("type").get<std::string>();
  bool known = type == "hardlink";
  f->hardlink = known;
  for (const TypeName &t : kTypeNames)
    if (type == t.name) {
      f->type = t.type;
      known = true;
    }
  if (!known) {
    *err = "unknown type '" + type + "' for " + f->path;
    return false;
  }
  if (f->type != NodeType::Symlink)
    f->mode = std::stoul(j.at("mode").get<std::string>(), nullptr, 8);
  f->uid = j.at("uid").get<uint32_t>();
  f->gid = j.at("gid").get<uint32_t>();
  if (f->type == NodeType::File) {
    f->size = j.at("size").get<uint64_t>();
    f->sha256 = j.at("sha256").get<std::string>();
    if (!is_sha256_hex(f->sha256)) {
      *err = "bad sha256 for " + f->path;
      return false;
    }
  }
  if (f->hardlink &&
      !normalize_member_name(j.at("link").get<std::string>(), &f->link, &why)) {
    *err = "bad hardlink target for " + f->path + ": " + why;
    return false;
  }
  if (f->type == NodeType::Symlink)
    f->link = j.at("target").get<std::string>();
  if (f->type == NodeType::CharDev || f->type == NodeType::BlockDev) {
    f->rdev_major = j.at("rdev").at(0).get<uint32_t>();
    f->rdev_minor = j.at("rdev").at(1).get<uint32_t>();
  }
  return true;
}

// The manifest's canonical text, with its own hash in the head when
// `content_sha256` is not empty.
std::string manifest_text(const Manifest &m,
                          const std::string &content_sha256) {
  nlohmann::ordered_json head = {{"format", kManifestFormat},
                                 {"package", m.package},
                                 {"version", m.version},
                                 {"deb_sha256", m.deb_sha256}};
  if (!content_sha256.empty())
    head["content_sha256"] = content_sha256;
  // One file per line: readable and diffable by hand.
  std::string out = head.dump();
  out.pop_back(); // the closing brace
  out += ",\"files\":[";
  for (size_t i = 0; i < m.files.size(); i++)
    out += (i ? ",\n" : "\n") + file_to_json(m.files[i]).dump();
  out += "\n]}\n";
  return out;
}

} // namespace

// The hash covers what the manifest says (its canonical text without the
// hash), so an edit that changes a mode, an owner or the file list is seen
// when the manifest is used, whatever the editor did to the layout.
std::string manifest_to_json(const Manifest &m) {
  return manifest_text(m, sha256_hex(manifest_text(m, "")));
}

bool manifest_from_json(const std::string &text, Manifest *m,
                        std::string *err) {
  try {
    json j = json::parse(text);
    if (j.at("format").get<int>() != kManifestFormat) {
      *err = "manifest format " + j.at("format").dump() + ", expected " +
             std::to_string(kManifestFormat);
      return false;
    }
    m->package = j.at("package").get<std::string>();
    m->version = j.at("version").get<std::string>();
    m->deb_sha256 = j.at("deb_sha256").get<std::string>();
    const json &files = j.at("files");
    m->files.clear();
    m->files.resize(files.size());
    for (size_t i = 0; i < files.size(); i++)
      if (!file_from_json(files[i], &m->files[i], err))
        return false;
    std::string want = j.at("content_sha256").get<std::string>();
    std::string got = sha256_hex(manifest_text(*m, ""));
    if (got != want) {
      *err = "content does not match its content_sha256 (edited or damaged)";
      return false;
    }
  } catch (const std::exception &e) {
    *err = e.what();
    return false;
  }
  return true;
}

bool write_manifest(const std::string &path, const Manifest &m,
                    std::string *err) {
  return write_file(path, manifest_to_json(m), err);
}

bool read_manifest(const std::string &path, Manifest *m, std::string *err) {
  std::string text;
  if (!read_file(path, &text, err))
    return false;
  if (!manifest_from_json(text, m, err)) {
    *err = path + ": " + *err;
    return false;
  }
  return true;
}

} // namespace initpack
