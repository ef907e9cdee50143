// error.hpp — the one error type that crosses the plugin boundary, with properties, not subclasses.
#pragma once

#include <retort/sdk/abi.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace retort::sdk {

/// What went wrong, as far as the caller's next step is concerned; it decides the exit code.
enum class error_kind {
  usage,     ///< bad arguments or targets (exit 2)
  input,     ///< a bad file, URL or configuration (exit 2)
  plugin,    ///< a plugin that cannot be loaded or used (exit 2)
  database,  ///< the database refused or failed (exit 1)
  lock,      ///< the migration lock could not be taken in time (exit 1)
};

/// Plugins throw this (or std exceptions); the core catches at every call into a plugin.
/// The message must never contain a password: format URLs with `url::redacted()` only.
class RETORT_SDK_VISIBLE error : public std::runtime_error {
 public:
  error(error_kind kind, std::string message) : std::runtime_error(std::move(message)), kind_(kind) {}

  error_kind kind() const noexcept { return kind_; }
  /// Five-character SQLSTATE when the database gave one, else empty.
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// The driver's own error code (SQLite result code, MySQL errno), 0 when none.
  int native_code() const noexcept { return native_code_; }
  /// True when it is unknown whether the last statement took effect (connection lost mid-commit).
  bool in_doubt() const noexcept { return in_doubt_; }

  error& with_sqlstate(std::string state) { sqlstate_ = std::move(state); return *this; }
  error& with_native_code(int code) { native_code_ = code; return *this; }
  error& with_in_doubt(bool doubt = true) { in_doubt_ = doubt; return *this; }

 private:
  error_kind kind_;
  std::string sqlstate_;
  int native_code_ = 0;
  bool in_doubt_ = false;
};

}  // namespace retort::sdk
