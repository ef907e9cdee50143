// toml_value.cpp — reading TOML files into sdk::value trees with file:line locations.
#include "toml_value.hpp"

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace retort {
namespace {

sdk::value convert(const toml::node& node, const std::string& file) {
  sdk::source_location where{file, static_cast<int>(node.source().begin.line)};
  if (auto* t = node.as_table()) {
    sdk::value_table out;
    out.reserve(t->size());
    for (const auto& [key, child] : *t) {
      sdk::value v = convert(child, file);
      out.emplace_back(std::string(key.str()), std::move(v));
    }
    // The table's own line is that of its first key when the node has none (the root table).
    if (where.line == 0 && !out.empty()) where.line = out.front().second.where().line;
    return {std::move(out), where};
  }
  if (auto* a = node.as_array()) {
    sdk::value_array out;
    out.reserve(a->size());
    for (const auto& child : *a) out.push_back(convert(child, file));
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
  try {
    toml::table root = toml::parse(text, file);
    return convert(root, file);
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
