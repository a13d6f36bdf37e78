#pragma once
// The Asio vocabulary of the data path: every I/O call uses `tok`, so its error_code is checked on
// the next line instead of being thrown (failed I/O is normal on the data path, not exceptional).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace gatehouse::proxy {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// Named `tok`, not kTok: it reads as a keyword-like token, not a constant.
inline constexpr auto tok =
    net::as_tuple(net::use_awaitable);  // NOLINT(readability-identifier-naming)

}  // namespace gatehouse::proxy
