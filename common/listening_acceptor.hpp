#pragma once
// Open, SO_REUSEADDR, bind, listen: how every TCP listener of the sidecar and of the dev agent
// starts, so that each names the step that failed the same way.

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gatehouse::common {

// Readies `acceptor` to accept on `endpoint` (port 0 picks one: read it from local_endpoint()).
// On failure: "<step> <where>: <error>", step being open, reuse_address, bind or listen.
boost::system::result<void, std::string> listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                                   const boost::asio::ip::tcp::endpoint& endpoint,
                                                   std::string_view where);

}  // namespace gatehouse::common
