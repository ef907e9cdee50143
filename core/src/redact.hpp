// redact.hpp — the last line of defence for passwords: every message retort prints or records
// passes through redact(), which replaces any secret registered for this process with ***. Scripts
// (--sql) do not: they come from the migration files, never from a URL, and a short password would
// otherwise mangle identifiers in them.
#pragma once

#include <string>
#include <string_view>

namespace retort {

/// Remembers `secret` (and its percent-encoded form) for redact(); empty strings are ignored.
void register_secret(std::string_view secret);
std::string redact(std::string_view text);

}  // namespace retort
