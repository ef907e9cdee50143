// url.cpp — parsing database URLs (SQLAlchemy's forms) into sdk::url.
#include "url.hpp"

#include "text.hpp"

#include <retort/sdk/error.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace retort {
namespace {

[[noreturn]] void bad_url(const std::string& why) {
  throw sdk::error(sdk::error_kind::input, "invalid database URL: " + why +
                                               " (expected scheme://user:password@host:port/database, e.g. "
                                               "sqlite:///app.db or postgresql://user@localhost/app)");
}

}  // namespace

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) bad_url("a '%' not followed by two hex digits");
    // A NUL would end the string where the C libraries read it: sqlite:///x%00y.db would open x.
    if (hi == 0 && lo == 0) bad_url("%00 (a NUL byte) cannot be part of a URL");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

sdk::url parse_url(std::string_view text) {
  sdk::url u;
  if (text.find('\0') != std::string_view::npos) bad_url("a NUL byte cannot be part of a URL");
  auto sep = text.find("://");
  if (sep == std::string_view::npos) bad_url("no '://' after the scheme");
  std::string scheme(text.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme.empty() || !std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '_' || c == '.';
      }))
    bad_url("the scheme must be letters and digits, optionally with a +driver suffix");
  if (auto plus = scheme.find('+'); plus != std::string::npos) {
    u.driver = scheme.substr(plus + 1);
    scheme.resize(plus);
  }
  u.scheme = scheme;

  std::string_view rest = text.substr(sep + 3);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  // Credentials end at the last '@' (so an unescaped '@' or '/' in a password still parses), as
  // long as the user name before them has no '/': then the '@' belongs to the path.
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    auto colon = cred.find(':');
    if (cred.substr(0, colon).find('/') == std::string_view::npos) {
      u.user = percent_decode(cred.substr(0, colon));
      if (colon != std::string_view::npos) u.password = percent_decode(cred.substr(colon + 1));
      rest = rest.substr(at + 1);
    }
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  // The path after the authority's slash is the database; `sqlite:////abs` keeps its leading '/'.
  if (slash != std::string_view::npos) u.database = percent_decode(rest.substr(slash + 1));
  std::string_view host = authority, port;
  if (!host.empty() && host.front() == '[') {  // [::1]:5432
    auto close = host.find(']');
    if (close == std::string_view::npos) bad_url("an IPv6 host without its closing ']'");
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty()) {
      if (port.front() != ':') bad_url("unexpected text after the IPv6 host");
      port.remove_prefix(1);
    }
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  u.host = percent_decode(host);
  if (!port.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535)
      bad_url("the port must be a number from 1 to 65535");
    u.port = p;
  }

  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    u.query.emplace_back(percent_decode(kv.substr(0, eq)),
                         eq == std::string_view::npos ? std::string() : percent_decode(kv.substr(eq + 1)));
  }

  if (u.scheme == "sqlite" && u.database.empty()) u.database = ":memory:";  // sqlite:// is memory
  return u;
}

}  // namespace retort
