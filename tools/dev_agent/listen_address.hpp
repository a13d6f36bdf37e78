#pragma once
// `-http-addr host:port` → a TCP endpoint (IPv4, [IPv6] or `localhost`; port 0 = any free port).

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gatehouse::tools {

boost::system::result<boost::asio::ip::tcp::endpoint, std::string> parse_listen_address(
    std::string_view text);

}  // namespace gatehouse::tools
