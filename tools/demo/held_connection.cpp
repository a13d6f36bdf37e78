#include "tools/demo/held_connection.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

namespace gatehouse::tools {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

using namespace std::chrono_literals;

// Every exchange here is with loopback processes the demo started: a second is plenty, and a
// bound keeps a stuck peer from hanging the demo.
constexpr auto kExchangeLimit = 5s;

// Runs the one pending operation for at most `limit`; cancels it when the time is up. Returns
// the operation's error (operation_aborted when it timed out).
error_code run_bounded(net::io_context& io, tcp::socket& socket, std::chrono::milliseconds limit,
                       const std::optional<error_code>& result) {
  io.restart();
  io.run_for(limit);
  if (!result) {
    error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();
  }
  return result.value_or(net::error::operation_aborted);
}

}  // namespace

DemoResult<void> HeldConnection::open(std::uint16_t port) {
  error_code ec;
  socket_.connect(tcp::endpoint{net::ip::make_address_v4("127.0.0.1"), port}, ec);
  if (ec) return "cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + ec.message();
  return {};
}

DemoResult<std::string> HeldConnection::request() {
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  req.set(http::field::host, "db");
  req.keep_alive(true);
  error_code ec;
  http::write(socket_, req, ec);
  if (ec) return {boost::system::in_place_error, "sending the request: " + ec.message()};
  http::response<http::string_body> res;
  std::optional<error_code> result;
  http::async_read(socket_, buffer_, res,
                   [&result](error_code e, std::size_t /*n*/) { result = e; });
  ec = run_bounded(io_, socket_, kExchangeLimit, result);
  if (ec) return {boost::system::in_place_error, "reading the answer: " + ec.message()};
  return {boost::system::in_place_value, res.body()};
}

bool HeldConnection::wait_for_close(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::array<char, 512> piece{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    std::optional<error_code> result;
    socket_.async_read_some(net::buffer(piece),
                            [&result](error_code e, std::size_t /*n*/) { result = e; });
    const auto ec = run_bounded(io_, socket_, left, result);
    if (ec == net::error::operation_aborted) return false;
    // Bytes instead of an end would be a second answer nobody asked for; keep waiting.
    if (ec) return true;
  }
}

}  // namespace gatehouse::tools
