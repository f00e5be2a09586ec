#include "image/tree.h"

#include "util/fs.h"

#include <fnmatch.h>
#include <set>
#include <sys/stat.h>

namespace initpack {

uint32_t st_mode(const Inode &inode) {
  uint32_t type = 0;
  switch (inode.type) {
  case NodeType::File:
    type = S_IFREG;
    break;
  case NodeType::Dir:
    type = S_IFDIR;
    break;
  case NodeType::Symlink:
    type = S_IFLNK;
    break;
  case NodeType::CharDev:
    type = S_IFCHR;
    break;
  case NodeType::BlockDev:
    type = S_IFBLK;
    break;
  case NodeType::Fifo:
    type = S_IFIFO;
    break;
  case NodeType::Socket:
    type = S_IFSOCK;
    break;
  }
  return type | (inode.mode & 07777);
}

std::shared_ptr<const Content> Content::from_bytes(std::string bytes) {
  auto c = std::make_shared<Content>();
  c->size = bytes.size();
  c->bytes = std::move(bytes);
  return c;
}

std::shared_ptr<const Content>
Content::from_disk(std::string path, uint64_t size, std::string sha256) {
  auto c = std::make_shared<Content>();
  c->disk_path = std::move(path);
  c->size = size;
  c->sha256 = std::move(sha256);
  return c;
}

bool Content::read(std::string *out, std::string *err) const {
  if (disk_path.empty()) {
    *out = bytes;
    return true;
  }
  return read_file(disk_path, out, err);
}

Tree::Tree() {
  auto root = std::make_shared<Inode>();
  root->type = NodeType::Dir;
  root->mode = 0755;
  entries_[""] = Entry{root, "initpack"};
}

bool Tree::normalize(std::string_view in, std::string *out) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= in.size()) {
    size_t j = in.find('/', i);
    if (j == std::string_view::npos)
      j = in.size();
    std::string_view part = in.substr(i, j - i);
    if (part == "..") {
      if (parts.empty())
        return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  out->clear();
  for (std::string_view p : parts) {
    if (!out->empty())
      *out += '/';
    *out += p;
  }
  return true;
}

const Entry *Tree::find(std::string_view path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

Entry *Tree::find(std::string_view path) {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

bool Tree::resolve(std::string_view path, bool follow_last, std::string *out,
                   std::string *err) const {
  // Components still to walk, consumed from the back; symlink targets are
  // spliced in, so the walk needs no recursion.
  std::vector<std::string> todo;
  auto push_components = [&](std::string_view p) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string_view::npos)
        j = p.size();
      if (j > i)
        parts.emplace_back(p.substr(i, j - i));
      i = j + 1;
    }
    todo.insert(todo.end(), parts.rbegin(), parts.rend());
  };
  push_components(path);
  std::string cur;
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".")
      continue;
    if (part == "..") {
      if (cur.empty()) {
        *err = "'" + std::string(path) + "' climbs above the root";
        return false;
      }
      size_t slash = cur.rfind('/');
      cur = slash == std::string::npos ? "" : cur.substr(0, slash);
      continue;
    }
    std::string next = cur.empty() ? part : cur + "/" + part;
    const Entry *e = find(next);
    bool is_last = todo.empty();
    if (e && e->inode->type == NodeType::Symlink && (!is_last || follow_last)) {
      if (++links > 40) {
        *err =
            "too many levels of symbolic links in '" + std::string(path) + "'";
        return false;
      }
      const std::string &target = e->inode->symlink_target;
      if (!target.empty() && target[0] == '/')
        cur.clear();
      push_components(target);
      continue;
    }
    if (!is_last && e && e->inode->type != NodeType::Dir) {
      *err = "'" + next + "' in '" + std::string(path) + "' is not a directory";
      return false;
    }
    cur = std::move(next);
  }
  *out = cur;
  return true;
}

void Tree::ensure_parents(const std::string &path, const std::string &origin) {
  size_t pos = 0;
  while ((pos = path.find('/', pos)) != std::string::npos) {
    std::string parent = path.substr(0, pos);
    if (!entries_.count(parent)) {
      auto inode = std::make_shared<Inode>();
      inode->type = NodeType::Dir;
      inode->mode = 0755;
      entries_[parent] = Entry{inode, origin};
    }
    pos++;
  }
}

Entry &Tree::add_node(const std::string &path, std::shared_ptr<Inode> inode,
                      const std::string &origin) {
  ensure_parents(path, origin);
  Entry &e = entries_[path];
  e.inode = std::move(inode);
  e.origin = origin;
  return e;
}

Entry &Tree::add_dir(const std::string &path, uint32_t mode,
                     const std::string &origin) {
  auto inode = std::make_shared<Inode>();
  inode->type = NodeType::Dir;
  inode->mode = mode;
  Entry *old = find(path);
  if (old && old->inode->type == NodeType::Dir)
    return *old;
  if (old)
    remove(path);
  return add_node(path, inode, origin);
}

Entry &Tree::add_file(const std::string &path,
                      std::shared_ptr<const Content> content, uint32_t mode,
                      const std::string &origin) {
  auto inode = std::make_shared<Inode>();
  inode->type = NodeType::File;
  inode->mode = mode;
  inode->content = std::move(content);
  if (Entry *old = find(path); old && old->inode->type == NodeType::Dir)
    remove(path);
  return add_node(path, inode, origin);
}

Entry &Tree::add_symlink(const std::string &path, const std::string &target,
                         const std::string &origin) {
  auto inode = std::make_shared<Inode>();
  inode->type = NodeType::Symlink;
  inode->mode = 0777;
  inode->symlink_target = target;
  if (Entry *old = find(path); old && old->inode->type == NodeType::Dir)
    remove(path);
  return add_node(path, inode, origin);
}

bool Tree::add_hardlink(const std::string &path, const std::string &existing,
                        const std::string &origin, std::string *err) {
  const Entry *e = find(existing);
  if (!e) {
    *err = "hardlink target '" + existing + "' does not exist";
    return false;
  }
  if (e->inode->type == NodeType::Dir) {
    *err = "hardlink target '" + existing + "' is a directory";
    return false;
  }
  add_node(path, e->inode, origin);
  return true;
}

size_t Tree::remove(std::string_view path) {
  if (path.empty())
    return 0; // never the root itself
  auto it = entries_.find(path);
  if (it == entries_.end())
    return 0;
  size_t n = 0;
  std::string prefix = std::string(path) + "/";
  it = entries_.erase(it);
  n++;
  // Children sort right after their parent only when compared with the
  // trailing slash, so look them up by prefix.
  for (auto c = entries_.lower_bound(prefix);
       c != entries_.end() &&
       c->first.compare(0, prefix.size(), prefix) == 0;) {
    c = entries_.erase(c);
    n++;
  }
  return n;
}

size_t Tree::remove_glob(std::string_view pattern) {
  std::string pat;
  if (!normalize(pattern, &pat) || pat.empty())
    return 0;
  std::vector<std::string> matches;
  for (const auto &[path, e] : entries_)
    if (!path.empty() && fnmatch(pat.c_str(), path.c_str(), FNM_PATHNAME) == 0)
      matches.push_back(path);
  size_t n = 0;
  for (const std::string &m : matches)
    n += remove(m);
  return n;
}

uint64_t Tree::content_bytes() const {
  std::set<const Inode *> seen;
  uint64_t total = 0;
  for (const auto &[path, e] : entries_)
    if (e.inode->type == NodeType::File && seen.insert(e.inode.get()).second &&
        e.inode->content)
      total += e.inode->content->size;
  return total;
}

} // namespace initpack
