#include "tools/echo_app/echo_main.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/option_error.hpp"
#include "tools/proxy/proxy_options.hpp"
#include "tools/usage_text.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace po = boost::program_options;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// The completion token is named `tok` throughout, as in proxy/asio_types.hpp.
constexpr auto tok = net::as_tuple(net::use_awaitable);  // NOLINT(readability-identifier-naming)

void line(const std::string& text) {
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);  // tests read these lines as they happen
}

net::awaitable<void> echo_bytes(tcp::socket socket, std::uint64_t id) {
  std::array<char, std::size_t{16} * 1024> buf{};
  std::uint64_t total = 0;
  for (;;) {
    auto [rec, n] = co_await socket.async_read_some(net::buffer(buf), tok);
    if (n > 0) {
      auto [wec, w] = co_await net::async_write(socket, net::buffer(buf.data(), n), tok);
      if (wec) break;
      total += w;
    }
    if (rec == net::error::eof) {
      static constexpr std::string_view kBye = "bye\n";
      auto [wec, w] = co_await net::async_write(socket, net::buffer(kBye), tok);
      if (!wec) total += w;
      break;
    }
    if (rec) break;
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);  // closing anyway
  socket.close(ignored);
  line("event=closed component=echo conn=" + std::to_string(id) +
       " bytes=" + std::to_string(total));
}

net::awaitable<void> answer_http(tcp::socket socket, std::string name) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [rec, n] = co_await http::async_read(socket, buffer, req, tok);
    if (rec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive());
    res.body() = "hello from " + name + "\n";
    res.prepare_payload();
    auto [wec, w] = co_await http::async_write(socket, res, tok);
    if (wec || !res.keep_alive()) break;
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);  // closing anyway
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, EchoOptions options) {
  std::uint64_t count = 0;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(tok);
    if (ec == net::error::operation_aborted) co_return;
    if (ec) continue;
    ++count;
    line("event=accept component=echo count=" + std::to_string(count));
    auto ex = acceptor.get_executor();
    if (options.http) {
      net::co_spawn(ex, answer_http(std::move(socket), options.name),
                    [](const std::exception_ptr&) {});
    } else {
      net::co_spawn(ex, echo_bytes(std::move(socket), count), [](const std::exception_ptr&) {});
    }
  }
}

constexpr std::string_view kUsage = R"usage(Usage: gatehouse echo [options]

  Runs a small TCP app for tests and demos until SIGINT or SIGTERM: it echoes
  the bytes it receives and, when the client closes its side, writes "bye"
  and closes. With -http it answers every HTTP request with 200 and a body
  naming the service (-name). It prints the address it listens on first.
)usage";

po::options_description describe(EchoOptions& o) {
  po::options_description d;
  d.add_options()("help,h", po::bool_switch(&o.help), "Show this help.")(
      "listen", po::value(&o.listen)->default_value(o.listen), "host:port (port 0: a free port).")(
      "http", po::bool_switch(&o.http), "Answer HTTP requests instead of echoing.")(
      "name", po::value(&o.name)->default_value(o.name), "Service name in HTTP answers.");
  return d;
}

}  // namespace

boost::system::result<EchoOptions, std::string> parse_echo_options(std::span<char* const> args) {
  EchoOptions o;
  const auto d = describe(o);
  try {
    namespace style = po::command_line_style;
    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(d)
                  .style((style::unix_style | style::allow_long_disguise) & ~style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return {boost::system::in_place_error, option_error_text(e)};
  }
  return o;
}

std::string echo_usage() {
  EchoOptions o;
  return usage_text(kUsage, describe(o));
}

int run_echo(std::span<char* const> args) {
  const auto parsed = parse_echo_options(args);
  if (!parsed) {
    std::cerr << "gatehouse echo: " << parsed.error() << "\n";
    return 1;
  }
  const EchoOptions& o = *parsed;
  if (o.help) {
    std::cout << echo_usage();
    return 0;
  }
  const auto where = parse_host_port(o.listen);
  if (!where) {
    std::cerr << "gatehouse echo: -listen: " << where.error() << "\n";
    return 1;
  }
  net::io_context ioc{1};
  error_code ec;
  const auto ip = net::ip::make_address(where->host.empty() ? "0.0.0.0" : where->host, ec);
  if (ec) {
    std::cerr << "gatehouse echo: -listen: not an IP address: " << where->host << "\n";
    return 1;
  }
  tcp::acceptor acceptor{ioc};
  const tcp::endpoint endpoint{ip, where->port};
  if (acceptor.open(endpoint.protocol(), ec); !ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "gatehouse echo: cannot listen on " << o.listen << ": " << ec.message() << "\n";
    return 1;
  }
  const auto bound = acceptor.local_endpoint();
  line("event=listening component=echo addr=" + bound.address().to_string() + ":" +
       std::to_string(bound.port()));
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](const error_code& sec, int) {
    if (sec) return;
    acceptor.close(ec);
    ioc.stop();
  });
  net::co_spawn(ioc, accept_loop(acceptor, o), [](const std::exception_ptr&) {});
  ioc.run();
  return 0;
}

}  // namespace gatehouse::tools
