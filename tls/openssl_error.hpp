#pragma once

#include <string>
#include <string_view>

namespace gatehouse::tls {

// "<what>: <OpenSSL's reason for the most recent error>", and clears OpenSSL's error queue so that
// a failure never leaks into the next, unrelated check.
std::string openssl_error(std::string_view what);

}  // namespace gatehouse::tls
