// toml_value.cpp — reading TOML files into sdk::value trees with file:line locations.
#include "toml_value.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace retort {
namespace {

/// How deep tables and arrays may nest, the root table being level 0; each segment of a dotted key
/// or a table header is a level. No migration or retort.toml needs more than a handful.
constexpr int max_depth = 64;

[[noreturn]] void too_deep(const std::string& file, int line) {
  throw sdk::error(sdk::error_kind::input, file + ":" + std::to_string(line) + ": tables and arrays nested more than " +
                                               std::to_string(max_depth) +
                                               " levels deep (each part of a dotted key counts as one); retort "
                                               "reads at most " + std::to_string(max_depth));
}

/// toml++ 3.3 bounds inline arrays and tables (256 levels) but not dotted keys or table headers, and
/// it recurses once per level while it parses: `a.a.a… = 1` with 35 000 parts overflows the stack
/// inside toml::parse, before retort sees a node. So the text is measured first, without parsing:
/// an upper bound on the depth of every value, from the parts of keys and headers and the brackets
/// of inline tables and arrays, outside strings and comments, refused with its line beyond
/// max_depth. It needs to be right only for valid TOML, as toml++ builds nothing past its first
/// error. (An array of tables in the middle of a header, `[[a]]` then `[[a.a]]`, adds a level this
/// does not count; convert() checks the exact depth of what toml++ built, which this keeps small.)
void check_depth(std::string_view s, const std::string& file) {
  struct open_bracket {
    char kind;  // '[' an array, '{' an inline table
    int depth;  // of the array or table itself
  };
  std::vector<open_bracket> open;
  const std::size_t n = s.size();
  std::size_t i = 0;
  int line = 1;
  int table = 0;        // depth of the table the last header opened (the root: 0)
  bool in_key = true;   // before a key's '=' (or at the start of a line), rather than in a value
  int parts = 0;        // parts of the key read so far (0: none yet)
  int depth = 0;        // in a value: the depth of the value that starts next
  auto check = [&](int d) {
    if (d > max_depth) too_deep(file, line);
  };
  auto skip_string = [&] {
    const char q = s[i];
    const char triple[] = {q, q, q, '\0'};
    if (s.compare(i, 3, triple) == 0) {  // multi-line: may hold newlines, and up to two more quotes at its end
      for (i += 3; i < n; ++i) {
        if (q == '"' && s[i] == '\\' && i + 1 < n) {
          if (s[++i] == '\n') ++line;
        } else if (s[i] == '\n') {
          ++line;
        } else if (s.compare(i, 3, triple) == 0) {
          i += 3;
          for (int extra = 0; extra < 2 && i < n && s[i] == q; ++extra) ++i;
          return;
        }
      }
      return;
    }
    for (++i; i < n && s[i] != q && s[i] != '\n'; ++i)
      if (q == '"' && s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') ++i;
    if (i < n && s[i] == q) ++i;
  };
  while (i < n) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
      if (open.empty()) in_key = true, parts = 0;  // a line ends a key/value pair outside brackets
      continue;
    }
    if (c == '#') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      if (in_key && parts == 0) parts = 1;
      skip_string();
      continue;
    }
    if (in_key) {
      if (c == '[' && open.empty() && parts == 0) {  // [table] or [[array.of.tables]]
        const bool array = i + 1 < n && s[i + 1] == '[';
        i += array ? 2 : 1;
        int header = 1;
        while (i < n && s[i] != ']' && s[i] != '\n') {
          if (s[i] == '"' || s[i] == '\'') {
            skip_string();
            continue;
          }
          if (s[i] == '.') ++header;
          ++i;
        }
        table = header + (array ? 1 : 0);
        check(table);
        for (int k = 0; k < (array ? 2 : 1) && i < n && s[i] == ']'; ++k) ++i;
        continue;
      }
      if (c == '.') {
        parts = std::max(parts, 1) + 1;
      } else if (c == '=') {
        depth = (open.empty() ? table : open.back().depth) + std::max(parts, 1);
        check(depth);
        in_key = false;
      } else if (c == '}' && !open.empty() && open.back().kind == '{') {  // {} or a trailing comma
        open.pop_back();
        in_key = false;
      } else if (c != ' ' && c != '\t' && c != '\r' && parts == 0) {
        parts = 1;
      }
      ++i;
      continue;
    }
    switch (c) {
      case '[':
        open.push_back({'[', depth});
        check(++depth);  // its elements
        break;
      case '{':
        open.push_back({'{', depth});
        in_key = true, parts = 0;
        break;
      case ',':
        if (!open.empty() && open.back().kind == '[') depth = open.back().depth + 1;
        else if (!open.empty()) in_key = true, parts = 0;
        break;
      case ']':
      case '}':
        if (!open.empty() && open.back().kind == (c == ']' ? '[' : '{')) open.pop_back();
        break;
      default:
        break;  // numbers, booleans, dates: no nesting
    }
    ++i;
  }
}

sdk::value convert(const toml::node& node, const std::string& file, int depth) {
  sdk::source_location where{file, static_cast<int>(node.source().begin.line)};
  if (depth > max_depth) too_deep(file, where.line);
  if (auto* t = node.as_table()) {
    sdk::value_table out;
    out.reserve(t->size());
    for (const auto& [key, child] : *t) {
      sdk::value v = convert(child, file, depth + 1);
      out.emplace_back(std::string(key.str()), std::move(v));
    }
    // The table's own line is that of its first key when the node has none (the root table).
    if (where.line == 0 && !out.empty()) where.line = out.front().second.where().line;
    return {std::move(out), where};
  }
  if (auto* a = node.as_array()) {
    sdk::value_array out;
    out.reserve(a->size());
    for (const auto& child : *a) out.push_back(convert(child, file, depth + 1));
    return {std::move(out), where};
  }
  if (auto* s = node.as_string()) return {s->get(), where};
  if (auto* i = node.as_integer()) return {i->get(), where};
  if (auto* f = node.as_floating_point()) return {f->get(), where};
  if (auto* b = node.as_boolean()) return {b->get(), where};
  // Dates and times have no neutral kind: pass them on as their TOML text.
  std::ostringstream text;
  if (auto* d = node.as_date()) text << d->get();
  else if (auto* tm = node.as_time()) text << tm->get();
  else if (auto* dt = node.as_date_time()) text << dt->get();
  return {text.str(), where};
}

}  // namespace

sdk::value parse_toml(std::string_view text, const std::string& file) {
  check_depth(text, file);
  try {
    toml::table root = toml::parse(text, file);
    return convert(root, file, 0);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw sdk::error(sdk::error_kind::input, file + ":" + std::to_string(at.line) + ":" +
                                                 std::to_string(at.column) + ": invalid TOML: " +
                                                 std::string(e.description()));
  }
}

std::string read_file(const std::filesystem::path& path) {
  // POSIX reads: loading thousands of small migration files is most of what `heads` does.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw sdk::error(sdk::error_kind::input, path.string() + ": cannot read: " + std::strerror(errno));
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw sdk::error(sdk::error_kind::input, path.string() + ": cannot read: " + std::strerror(e));
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace retort
