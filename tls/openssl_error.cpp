#include "tls/openssl_error.hpp"

#include <openssl/err.h>

#include <array>

namespace gatehouse::tls {

std::string openssl_error(std::string_view what) {
  std::string out{what};
  // The earliest queued error is the root cause; later ones are usually wrappers around it.
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    out += ": ";
    out += buf.data();
  }
  ERR_clear_error();
  return out;
}

}  // namespace gatehouse::tls
