// redact.cpp — replaces registered secrets with *** in any text about to leave the process.
#include "redact.hpp"

#include <cctype>
#include <vector>

namespace retort {
namespace {

std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

std::string percent_encode(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.empty()) return;
  secrets().emplace_back(secret);
  if (auto enc = percent_encode(secret); enc != secret) secrets().push_back(enc);
}

std::string redact(std::string_view text) {
  std::string out(text);
  for (const auto& s : secrets())
    for (auto pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 3)) out.replace(pos, s.size(), "***");
  return out;
}

}  // namespace retort
