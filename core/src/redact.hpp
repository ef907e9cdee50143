// redact.hpp — the last line of defence for passwords: every text retort prints or records passes
// through redact(), which replaces any secret registered for this process with ***.
#pragma once

#include <string>
#include <string_view>

namespace retort {

/// Remembers `secret` (and its percent-encoded form) for redact(); empty strings are ignored.
void register_secret(std::string_view secret);
std::string redact(std::string_view text);

}  // namespace retort
