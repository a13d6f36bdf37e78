#pragma once
// The data path's own failure codes, in their own category, so logs name them (`idle_timeout`)
// and nothing compares message text.

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace gatehouse::proxy {

enum class errc {
  handshake_timeout = 1,
  idle_timeout,
  connect_timeout,
  tls_shutdown_timeout,
};

const boost::system::error_category& proxy_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), proxy_category()};
}

}  // namespace gatehouse::proxy

template <>
struct boost::system::is_error_code_enum<gatehouse::proxy::errc> : std::true_type {};
