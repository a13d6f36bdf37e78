#pragma once
// The dev agent's HTTP/1.1 listener: Beast over C++20 coroutines, keep-alive, Go's header limit
// and answers to unreadable requests (read_failure.hpp), a request body limit, a 500 for a handler
// that throws, and a stop that closes the listener and every open connection.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "tools/dev_agent/http_exchange.hpp"

namespace gatehouse::tools {

class HttpServer {
 public:
  using Handle = RequestHandler;

  // Binds and listens (port 0 picks a free port); the error names the address.
  static boost::system::result<std::unique_ptr<HttpServer>, std::string> listen(
      boost::asio::any_io_executor executor, const boost::asio::ip::tcp::endpoint& endpoint,
      Handle handle);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Spawns the accept loop on the listener's executor.
  void start();
  // Stops accepting and closes every connection (blocked queries end with their socket).
  void stop();

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::tools
