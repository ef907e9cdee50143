// url.hpp — a parsed database URL; redacted() is the only way a URL is ever printed.
#pragma once

#include <retort/sdk/abi.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace retort::sdk {

/// SQLAlchemy-style `scheme[+driver]://[user[:password]@]host[:port]/database[?k=v&…]`, decoded.
/// For SQLite, `database` is the file path (`:memory:` for an in-memory database).
struct url {
  std::string scheme;  ///< lower-case, without the `+driver` suffix
  std::string driver;  ///< the ignored `+driver` suffix, kept for messages
  std::string user;
  std::optional<std::string> password;
  std::string host;
  std::optional<unsigned> port;
  std::string database;
  std::vector<std::pair<std::string, std::string>> query;

  /// Whether a query parameter holds a secret: any key that names a password (password, passwd,
  /// sslpassword, …), in any case.
  static bool secret_param(const std::string& key) {
    std::string k;
    for (char c : key) k += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return k.find("password") != std::string::npos || k.find("passwd") != std::string::npos;
  }

  /// The value of a query parameter, if present.
  std::optional<std::string> param(const std::string& key) const {
    for (const auto& [k, v] : query)
      if (k == key) return v;
    return std::nullopt;
  }

  /// The URL with every secret shown as `***`: the password and any `password` query parameter.
  std::string redacted() const {
    std::string out = scheme;
    if (!driver.empty()) out += "+" + driver;
    out += "://";
    if (!user.empty() || password) {
      out += user;
      if (password) out += ":***";
      out += "@";
    }
    if (host.find(':') != std::string::npos) out += "[" + host + "]";
    else out += host;
    if (port) out += ":" + std::to_string(*port);
    if (!database.empty() || scheme == "sqlite") out += "/" + database;
    char sep = '?';
    for (const auto& [k, v] : query) {
      out += sep + k + "=" + (secret_param(k) ? std::string("***") : v);
      sep = '&';
    }
    return out;
  }
};

}  // namespace retort::sdk
