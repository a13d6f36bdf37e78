#pragma once
// A tiny Beast HTTP/1.1 server on 127.0.0.1:0 for in-process client tests: it records every
// request, counts accepted connections, keeps connections alive, and can leave a request
// unanswered ("hang") or answered in part ("stall": raw bytes such as a status line, headers and
// half a body, then nothing) to exercise timeouts and cancellation.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::testing {

namespace net = boost::asio;
namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Answers a request; return std::nullopt to leave it unanswered (the connection stays open).
using TestHandler = std::function<std::optional<Response>(const Request&)>;
// Consulted before the handler: bytes to write verbatim, after which the response is left
// unfinished until the client closes; std::nullopt lets the handler answer normally.
using TestStaller = std::function<std::optional<std::string>(const Request&)>;

template <class Protocol>
class BasicTestHttpServer {
 public:
  using Handler = TestHandler;

  BasicTestHttpServer(net::any_io_executor ex, typename Protocol::endpoint endpoint,
                      Handler handler)
      : acceptor_(ex, endpoint), handler_(std::move(handler)) {
    // The loop ends when the io_context stops; the test's run_for bounds it.
    net::co_spawn(ex, accept_loop(), [](std::exception_ptr) {});
  }
  int connections() const { return connections_; }
  void set_staller(TestStaller staller) { staller_ = std::move(staller); }
  const std::vector<Request>& requests() const { return requests_; }

 protected:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      ++connections_;
      net::co_spawn(acceptor_.get_executor(), session(std::move(socket)),
                    [](std::exception_ptr) {});
    }
  }

  net::awaitable<void> session(typename Protocol::socket stream) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      Request req;
      auto [ec, n] =
          co_await http::async_read(stream, buffer, req, net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      requests_.push_back(req);
      if (auto partial = staller_ ? staller_(req) : std::nullopt) {
        auto [pec, p] = co_await net::async_write(stream, net::buffer(*partial),
                                                  net::as_tuple(net::use_awaitable));
        if (pec) co_return;
        Request ignored;  // ends when the client gives up and closes
        co_await http::async_read(stream, buffer, ignored, net::as_tuple(net::use_awaitable));
        co_return;
      }
      auto res = handler_(req);
      if (!res) {
        // Unanswered: wait for the client to give up (its close ends this read).
        Request ignored;
        co_await http::async_read(stream, buffer, ignored, net::as_tuple(net::use_awaitable));
        co_return;
      }
      res->version(req.version());
      res->keep_alive(req.keep_alive());
      res->prepare_payload();
      auto [wec, w] = co_await http::async_write(stream, *res, net::as_tuple(net::use_awaitable));
      if (wec || !req.keep_alive()) co_return;
    }
  }

  typename Protocol::acceptor acceptor_;
  Handler handler_;
  TestStaller staller_;
  int connections_ = 0;
  std::vector<Request> requests_;
};

// TCP on 127.0.0.1 with a port chosen by the kernel.
class TestHttpServer : public BasicTestHttpServer<net::ip::tcp> {
 public:
  TestHttpServer(net::any_io_executor ex, Handler handler)
      : BasicTestHttpServer(std::move(ex), {net::ip::make_address("127.0.0.1"), 0},
                            std::move(handler)) {}
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }
};

// A unix socket at `path` (removed by the caller).
using UnixTestHttpServer = BasicTestHttpServer<net::local::stream_protocol>;

inline Response text_response(http::status status, std::string body) {
  Response res{status, 11};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

}  // namespace gatehouse::testing
