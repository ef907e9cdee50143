// kit_file.cpp — reading FILE.kit.toml with the core's TOML reader and sdk::fields, so every error
// names file:line:field.
#include "kit_file.hpp"

#include "toml_value.hpp"

#include <retort/sdk/value.hpp>

#include <cstdlib>

namespace retort::kit {
namespace {

/// `${VAR}` → the variable's value; an unset or empty one is an error: the URL would be wrong.
std::string expand(const sdk::fields& f, std::string_view key, const sdk::value& at, const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string::npos) f.fail(at, key, "'${' is never closed; write ${NAME} for an environment variable");
    const std::string var = text.substr(i + 2, close - i - 2);
    if (var.empty()) f.fail(at, key, "'${}' names no environment variable");
    const char* value = std::getenv(var.c_str());
    if (!value || !*value)
      f.fail(at, key, "names the environment variable " + var + ", which is not set (set it, e.g. for the in-tree "
                      "PostgreSQL kit `eval \"$(scripts/pg-start.sh)\"`)");
    out += value;
    i = close + 1;
  }
  return out;
}

/// Refuses a placeholder other than {dir} and {name}: a typo would leave every test the same database.
void check_placeholders(const sdk::fields& f, std::string_view key, const sdk::value& at, const std::string& text,
                        bool dir_allowed) {
  for (std::size_t i = text.find('{'); i != std::string::npos; i = text.find('{', i + 1)) {
    if (text.compare(i, 6, "{name}") == 0) continue;
    if (text.compare(i, 5, "{dir}") == 0) {
      if (!dir_allowed) f.fail(at, key, "may use {name} but not {dir}");
      continue;
    }
    const auto close = text.find('}', i);
    f.fail(at, key, "unknown placeholder '" + text.substr(i, close == std::string::npos ? 1 : close - i + 1) +
                        "'; the kit fills in {dir} (a fresh directory) and {name} (a fresh database name)");
  }
}

std::vector<std::string> statements(const sdk::fields& f, std::string_view key) {
  std::vector<std::string> out;
  const sdk::value* v = f.find(key);
  for (auto& s : f.strings(key)) {
    s = expand(f, key, *v, s);
    check_placeholders(f, key, *v, s, false);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

kit_file read_kit_file(const std::filesystem::path& path) {
  const sdk::value root = parse_toml(read_file(path), path.string());
  const sdk::fields f(root, "kit file");
  f.only({"scheme", "url", "admin_url", "create", "drop"});
  kit_file k;
  k.path = path;
  k.scheme = f.required_string("scheme");
  const std::string url = f.required_string("url");
  const sdk::value& url_at = *f.find("url");
  k.url = expand(f, "url", url_at, url);
  check_placeholders(f, "url", url_at, k.url, true);
  if (k.url.rfind(k.scheme + "://", 0) != 0 && k.url.rfind(k.scheme + "+", 0) != 0)
    f.fail(url_at, "url", "does not start with the scheme: expected '" + k.scheme + "://…'");
  if (k.url.find("{dir}") == std::string::npos && k.url.find("{name}") == std::string::npos)
    f.fail(url_at, "url", "has neither {dir} nor {name}, so every test would share one database");
  if (auto admin = f.optional_string("admin_url")) {
    k.admin_url = expand(f, "admin_url", *f.find("admin_url"), *admin);
    check_placeholders(f, "admin_url", *f.find("admin_url"), *k.admin_url, false);
    if (k.admin_url->find("{name}") != std::string::npos)
      f.fail(*f.find("admin_url"), "admin_url", "may not use {name}: it is the database {name} is created from");
    k.create = statements(f, "create");
    k.drop = statements(f, "drop");
    if (k.create.empty()) f.fail(root, "create", "is required with admin_url: the statements that create {name}");
    if (k.url.find("{name}") == std::string::npos)
      f.fail(url_at, "url", "must use {name} when admin_url creates a database for each test");
  } else {
    for (const char* key : {"create", "drop"})
      if (const sdk::value* v = f.find(key)) f.fail(*v, key, "needs admin_url, the database to run it on");
  }
  return k;
}

std::string fill(const std::string& text, const std::filesystem::path& dir, const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 5, "{dir}") == 0) {
      out += dir.string();
      i += 5;
    } else if (text.compare(i, 6, "{name}") == 0) {
      out += name;
      i += 6;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace retort::kit
