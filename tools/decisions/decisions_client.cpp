#include "tools/decisions/decisions_client.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace gatehouse::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// Splits the body into lines as the pieces arrive.
class LineSplitter {
 public:
  explicit LineSplitter(const std::function<void(std::string_view)>& on_line) : on_line_(on_line) {}

  void feed(std::string_view bytes) {
    pending_ += bytes;
    std::size_t start = 0;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
      emit(std::string_view{pending_}.substr(start, nl - start));
      start = nl + 1;
    }
    pending_.erase(0, start);
  }
  void finish() {
    emit(pending_);
    pending_.clear();
  }

 private:
  void emit(std::string_view line) {
    if (!line.empty()) on_line_(line);
  }

  const std::function<void(std::string_view)>& on_line_;
  std::string pending_;
};

}  // namespace

std::string admin_label(const proxy::HostPort& admin) {
  const bool v6 = admin.host.find(':') != std::string::npos;
  return (v6 ? "[" + admin.host + "]" : admin.host) + ":" + std::to_string(admin.port);
}

std::optional<std::string> get_decision_lines(
    const proxy::HostPort& admin, const std::string& target,
    const std::function<void(std::string_view line)>& on_line) {
  const auto where = admin_label(admin);
  net::io_context io;
  tcp::resolver resolver{io};
  tcp::socket socket{io};
  error_code ec;
  const auto endpoints =
      resolver.resolve(admin.host, std::to_string(admin.port), tcp::resolver::numeric_service, ec);
  if (ec) return "cannot resolve " + where + ": " + ec.message();
  net::connect(socket, endpoints, ec);
  if (ec) return "cannot reach the admin address " + where + ": " + ec.message();

  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, where);
  request.set(http::field::user_agent, "gatehouse-decisions");
  request.keep_alive(false);
  http::write(socket, request, ec);
  if (ec) return "sending to " + where + ": " + ec.message();

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);  // a follow stream has no end we know of
  http::read_header(socket, buffer, parser, ec);
  if (ec) return "reading the answer of " + where + ": " + ec.message();
  const bool ok = parser.get().result() == http::status::ok;

  LineSplitter lines{on_line};
  std::string error_body;
  std::array<char, std::size_t{16} * 1024> piece{};
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    // read_some, not read: read would wait to fill the whole piece, holding back a follow
    // stream's lines until 16 KiB of them had come.
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      lines.finish();
      return "reading the answer of " + where + ": " + ec.message();
    }
    const std::string_view got{piece.data(), piece.size() - parser.get().body().size};
    if (ok) {
      lines.feed(got);
    } else {
      error_body += got;
    }
  }
  lines.finish();
  if (!ok) {
    while (!error_body.empty() && error_body.back() == '\n') error_body.pop_back();
    return where + " answered " + std::to_string(parser.get().result_int()) + ": " + error_body;
  }
  return std::nullopt;
}

}  // namespace gatehouse::tools
