// checksum.cpp — SHA-256 of migration files, with OpenSSL's libcrypto.
#include "checksum.hpp"

#include "toml_value.hpp"

#include <openssl/evp.h>

namespace retort {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string file_checksum(const std::filesystem::path& path) { return sha256_hex(read_file(path)); }

}  // namespace retort
