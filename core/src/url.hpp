// url.hpp — parsing database URLs (SQLAlchemy's forms) into sdk::url.
#pragma once

#include <retort/sdk/url.hpp>

#include <string_view>

namespace retort {

/// Parses `scheme[+driver]://[user[:password]@]host[:port]/database[?k=v&…]`, percent-decoding every
/// part. Errors (kind `input`) describe the problem without echoing the text, which may hold a password.
sdk::url parse_url(std::string_view text);

/// Percent-decodes `s`; throws on a malformed escape.
std::string percent_decode(std::string_view s);

}  // namespace retort
