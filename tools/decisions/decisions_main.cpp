#include "tools/decisions/decisions_main.hpp"

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
#include <iostream>
#include <string>

#include "consul/agent_config.hpp"
#include "tools/decisions/decision_text.hpp"
#include "tools/decisions/decisions_options.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

constexpr int kExitError = 1;

// Prints complete lines as they arrive (a follow stream delivers them one chunk at a time).
class LinePrinter {
 public:
  explicit LinePrinter(DecisionsFormat format) : format_(format) {}

  void feed(std::string_view bytes) {
    pending_ += bytes;
    std::size_t start = 0;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
      print(std::string_view{pending_}.substr(start, nl - start));
      start = nl + 1;
    }
    pending_.erase(0, start);
    std::cout.flush();
  }
  void finish() {
    if (!pending_.empty()) print(pending_);
    pending_.clear();
    std::cout.flush();
  }

 private:
  void print(std::string_view line) {
    if (line.empty()) return;
    if (format_ == DecisionsFormat::json) {
      std::cout << line << '\n';
    } else {
      std::cout << decision_text(line) << '\n';
    }
  }

  DecisionsFormat format_;
  std::string pending_;
};

// The whole exchange; an error message (naming the address) on failure.
std::optional<std::string> fetch(const DecisionsOptions& options) {
  const auto where = options.admin_label();
  net::io_context io;
  tcp::resolver resolver{io};
  tcp::socket socket{io};
  error_code ec;
  const auto endpoints = resolver.resolve(options.admin.host, std::to_string(options.admin.port),
                                          tcp::resolver::numeric_service, ec);
  if (ec) return "cannot resolve " + where + ": " + ec.message();
  net::connect(socket, endpoints, ec);
  if (ec) return "cannot reach the admin address " + where + ": " + ec.message();

  http::request<http::empty_body> request{http::verb::get, options.target(), 11};
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

  LinePrinter printer{options.format};
  std::string error_body;
  std::array<char, 16 * 1024> chunk{};
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      printer.finish();
      return "reading the answer of " + where + ": " + ec.message();
    }
    const std::string_view got{chunk.data(), chunk.size() - parser.get().body().size};
    if (ok) {
      printer.feed(got);
    } else {
      error_body += got;
    }
  }
  printer.finish();
  if (!ok) {
    while (!error_body.empty() && error_body.back() == '\n') error_body.pop_back();
    return where + " answered " + std::to_string(parser.get().result_int()) + ": " + error_body;
  }
  return std::nullopt;
}

}  // namespace

int run_decisions(std::span<char* const> args) {
  auto options = parse_decisions_options(args, consul::process_env());
  if (!options) {
    std::cerr << "gatehouse decisions: " << options.error() << "\n";
    return kExitError;
  }
  if (options->help) {
    std::cout << decisions_usage();
    return 0;
  }
  if (auto error = fetch(*options)) {
    std::cerr << "gatehouse decisions: " << *error << "\n";
    return kExitError;
  }
  return 0;
}

}  // namespace gatehouse::tools
