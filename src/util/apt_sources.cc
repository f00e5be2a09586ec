#include "util/apt_sources.h"
#include "util/strings.h"

#include "util/deb822.h"
#include "util/fs.h"

#include <algorithm>

namespace initpack {

namespace {

std::vector<std::string> split_list(std::string_view s) {
  std::string t(s);
  std::replace(t.begin(), t.end(), ',', ' ');
  return split_words(t);
}

bool parse_bool(std::string_view v, bool *out) {
  if (iequals(v, "yes") || iequals(v, "true") || v == "1") {
    *out = true;
    return true;
  }
  if (iequals(v, "no") || iequals(v, "false") || v == "0") {
    *out = false;
    return true;
  }
  return false;
}

bool is_fingerprint(std::string_view s) {
  if (!s.empty() && s.back() == '!')
    s.remove_suffix(1);
  return s.size() >= 16 &&
         s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// Fills src->signed_by / signed_by_key from a Signed-By value.
bool set_signed_by(AptSource *src, std::string_view value, std::string *err) {
  if (value.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") !=
      std::string_view::npos) {
    src->signed_by_key = std::string(value);
    return true;
  }
  for (const std::string &item : split_list(value)) {
    if (is_fingerprint(item)) {
      *err = src->origin + ": Signed-By key fingerprints (" + item +
             ") are not supported; name keyring files instead";
      return false;
    }
    if (item[0] != '/') {
      *err = src->origin + ": Signed-By must be an absolute path, got " + item;
      return false;
    }
    src->signed_by.push_back(item);
  }
  return true;
}

// Applies one "key=value" option of the one-line form.
bool apply_option(AptSource *src, std::string_view opt, std::string *err) {
  size_t eq = opt.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    *err = src->origin + ": malformed option '" + std::string(opt) +
           "' (expected key=value)";
    return false;
  }
  std::string key(opt.substr(0, eq));
  std::string_view value = opt.substr(eq + 1);
  char mod = key.back();
  if (mod == '+' || mod == '-')
    key.pop_back();
  else
    mod = 0;
  bool flag;
  if (key == "arch") {
    std::vector<std::string> archs = split_list(value);
    if (mod == '-') {
      for (const std::string &a : archs)
        std::erase(src->architectures, a);
    } else {
      if (!mod)
        src->architectures.clear();
      src->architectures.insert(src->architectures.end(), archs.begin(),
                                archs.end());
    }
  } else if (key == "signed-by") {
    return set_signed_by(src, value, err);
  } else if (key == "check-valid-until" || key == "trusted") {
    if (!parse_bool(value, &flag)) {
      *err = src->origin + ": " + key + " must be yes or no, got " +
             std::string(value);
      return false;
    }
    if (key == "trusted")
      src->trusted = flag;
    else
      src->check_valid_until = flag;
  }
  // Other options (lang, target, pdiffs, by-hash, …) do not change which
  // binary packages exist.
  return true;
}

std::string strip_comment(std::string_view line) {
  size_t hash = line.find('#');
  return std::string(line.substr(0, hash));
}

} // namespace

bool parse_one_line_sources(std::string_view text, const std::string &file,
                            std::vector<AptSource> *out, std::string *err) {
  int lineno = 0;
  for (std::string_view raw : split_lines(text)) {
    std::string line = strip_comment(raw);
    lineno++;
    // "[ arch=amd64 ]" may have blanks inside the brackets: pad them so
    // they split as words of their own.
    std::string padded;
    for (char c : line)
      padded += (c == '[' || c == ']') ? std::string(" ") + c + " "
                                       : std::string(1, c);
    std::vector<std::string> words = split_words(padded);
    if (words.empty())
      continue;
    AptSource src;
    src.origin = file + ":" + std::to_string(lineno);
    if (words[0] != "deb" && words[0] != "deb-src") {
      *err = src.origin + ": unknown type '" + words[0] +
             "' (expected deb or deb-src)";
      return false;
    }
    size_t i = 1;
    if (i < words.size() && words[i] == "[") {
      for (i++; i < words.size() && words[i] != "]"; i++)
        if (!apply_option(&src, words[i], err))
          return false;
      if (i == words.size()) {
        *err = src.origin + ": unterminated '[' option list";
        return false;
      }
      i++;
    }
    if (words.size() < i + 2) {
      *err = src.origin + ": expected URI and suite after '" + words[0] + "'";
      return false;
    }
    if (words[0] != "deb")
      continue;
    src.uris = {words[i]};
    src.suites = {words[i + 1]};
    src.components.assign(words.begin() + i + 2, words.end());
    out->push_back(std::move(src));
  }
  return true;
}

bool parse_deb822_sources(std::string_view text, const std::string &file,
                          std::vector<AptSource> *out, std::string *err) {
  std::vector<Deb822Paragraph> paras;
  if (!parse_deb822(text, file, &paras, err))
    return false;
  for (const Deb822Paragraph &p : paras) {
    AptSource src;
    src.origin = file + ":" + std::to_string(p.line);
    std::vector<std::string> types = split_words(p.get("Types"));
    if (types.empty()) {
      *err = src.origin + ": entry has no Types field";
      return false;
    }
    bool enabled = true, flag;
    if (const Deb822Field *f = p.find("Enabled");
        f && !parse_bool(f->value, &enabled)) {
      *err = file + ":" + std::to_string(f->line) +
             ": Enabled must be yes or no, got " + f->value;
      return false;
    }
    for (const char *key : {"Check-Valid-Until", "Trusted"}) {
      const Deb822Field *f = p.find(key);
      if (!f)
        continue;
      if (!parse_bool(f->value, &flag)) {
        *err = file + ":" + std::to_string(f->line) + ": " + key +
               " must be yes or no, got " + f->value;
        return false;
      }
      if (iequals(key, "Trusted"))
        src.trusted = flag;
      else
        src.check_valid_until = flag;
    }
    src.uris = split_words(p.get("URIs"));
    src.suites = split_words(p.get("Suites"));
    src.components = split_words(p.get("Components"));
    src.architectures = split_words(p.get("Architectures"));
    if (const Deb822Field *f = p.find("Signed-By"))
      if (!set_signed_by(&src, f->value, err))
        return false;
    if (src.uris.empty() || src.suites.empty()) {
      *err = src.origin + ": entry needs URIs and Suites";
      return false;
    }
    if (enabled && std::find(types.begin(), types.end(), "deb") != types.end())
      out->push_back(std::move(src));
  }
  return true;
}

bool is_apt_sources_file_name(std::string_view name) {
  if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                             "VWXYZ0123456789_.-") != std::string_view::npos)
    return false;
  return (name.size() > 5 && name.ends_with(".list")) ||
         (name.size() > 8 && name.ends_with(".sources"));
}

bool read_apt_sources(const std::string &apt_root, std::vector<AptSource> *out,
                      std::string *err) {
  std::string etc = join_path(apt_root, "etc/apt");
  std::vector<std::string> files;
  if (file_exists(etc + "/sources.list"))
    files.push_back(etc + "/sources.list");
  for (const std::string &name : list_dir(etc + "/sources.list.d"))
    if (is_apt_sources_file_name(name))
      files.push_back(etc + "/sources.list.d/" + name);
  for (const std::string &path : files) {
    std::string text;
    if (!read_file(path, &text, err))
      return false;
    bool ok = path.ends_with(".sources")
                  ? parse_deb822_sources(text, path, out, err)
                  : parse_one_line_sources(text, path, out, err);
    if (!ok)
      return false;
  }
  return true;
}

} // namespace initpack
