#pragma once
// Two connected TCP sockets on 127.0.0.1 for in-process tests.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <utility>

namespace gatehouse::proxy::testing {

inline std::pair<boost::asio::ip::tcp::socket, boost::asio::ip::tcp::socket> connected_pair(
    boost::asio::io_context& ioc) {
  using boost::asio::ip::tcp;
  tcp::acceptor acceptor{ioc, tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0}};
  tcp::socket a{ioc};
  a.connect(acceptor.local_endpoint());
  tcp::socket b = acceptor.accept();
  return {std::move(a), std::move(b)};
}

}  // namespace gatehouse::proxy::testing
