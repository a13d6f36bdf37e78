#include "common/listening_acceptor.hpp"

namespace gatehouse::common {

boost::system::result<void, std::string> listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                                   const boost::asio::ip::tcp::endpoint& endpoint,
                                                   std::string_view where) {
  using tcp = boost::asio::ip::tcp;
  boost::system::error_code ec;
  const auto failed = [&](std::string_view step) {
    return std::string{step} + " " + std::string{where} + ": " + ec.message();
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return failed("open");
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return failed("reuse_address");
  }
  if (acceptor.bind(endpoint, ec); ec) return failed("bind");
  if (acceptor.listen(boost::asio::socket_base::max_listen_connections, ec); ec) {
    return failed("listen");
  }
  return {};
}

}  // namespace gatehouse::common
