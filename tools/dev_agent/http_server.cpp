#include "tools/dev_agent/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <map>

namespace gatehouse::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::ip::tcp;
using boost::system::error_code;
constexpr auto tok = net::as_tuple(net::use_awaitable);

namespace {

constexpr std::uint64_t kBodyLimit = 4 * 1024 * 1024;
// How long an idle keep-alive connection may take to send its next request.
constexpr std::chrono::seconds kReadTimeout{120};
constexpr std::chrono::seconds kAcceptPause{1};

}  // namespace

struct HttpServer::State {
  State(net::any_io_executor ex, HttpServer::Handle h) : acceptor{ex}, handle{std::move(h)} {}
  tcp::acceptor acceptor;
  HttpServer::Handle handle;
  std::map<std::uint64_t, beast::tcp_stream*> sessions;  // to close them on stop
  std::uint64_t next_session = 0;
  bool stopped = false;
};

namespace {

using StatePtr = std::shared_ptr<HttpServer::State>;

http::response<http::string_body> to_message(Response res, unsigned version, bool keep_alive) {
  http::response<http::string_body> msg{static_cast<http::status>(res.status), version};
  if (!res.content_type.empty()) msg.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) msg.set(name, value);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep_alive);
  msg.prepare_payload();
  return msg;
}

net::awaitable<Response> answer(const StatePtr& state, Request::Message message) {
  auto request = Request::from_message(std::move(message));
  if (!request) co_return Response::error(HttpError::bad_request("Invalid request target"));
  co_return co_await state->handle(*request);
}

// Serves one connection until the peer closes it, an error, or stop().
net::awaitable<void> serve_session(tcp::socket socket, StatePtr state) {
  beast::tcp_stream stream{std::move(socket)};
  const auto id = state->next_session++;
  state->sessions.emplace(id, &stream);
  struct Unregister {
    StatePtr& s;
    std::uint64_t id;
    ~Unregister() { s->sessions.erase(id); }
  } unregister{state, id};

  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    stream.expires_after(kReadTimeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, tok);
    if (ec == http::error::body_limit) {
      auto msg = to_message(Response::error({413, "Request body too large"}), 11, false);
      co_await http::async_write(stream, msg, tok);
      break;
    }
    if (ec) break;  // end_of_stream, timeout or stop: nothing to answer
    stream.expires_never();  // blocking queries may legitimately take ten minutes
    auto message = parser.release();
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    Response res = co_await answer(state, std::move(message));
    auto out = to_message(std::move(res), version, keep_alive);
    auto [wec, wn] = co_await http::async_write(stream, out, tok);
    if (wec || !keep_alive || state->stopped) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);  // best effort on the way out
}

void log_unexpected(std::string_view what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    SPDLOG_WARN("event=unexpected_error where={} error=\"{}\"", what, ex.what());
  }
}

net::awaitable<void> accept_loop(StatePtr state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(tok);
    if (state->stopped || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // EMFILE and friends: pause instead of spinning.
      SPDLOG_WARN("event=accept_failed error=\"{}\"", ec.message());
      net::steady_timer pause{state->acceptor.get_executor(), kAcceptPause};
      co_await pause.async_wait(tok);
      continue;
    }
    net::co_spawn(state->acceptor.get_executor(), serve_session(std::move(socket), state),
                  [](const std::exception_ptr& e) { log_unexpected("session", e); });
  }
}

}  // namespace

boost::system::result<std::unique_ptr<HttpServer>, std::string> HttpServer::listen(
    net::any_io_executor executor, const tcp::endpoint& endpoint, Handle handle) {
  auto state = std::make_shared<State>(std::move(executor), std::move(handle));
  error_code ec;
  auto fail = [&](std::string_view step) {
    return std::string{step} + " " + endpoint.address().to_string() + ":" +
           std::to_string(endpoint.port()) + ": " + ec.message();
  };
  if (state->acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (state->acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return fail("set reuse_address");
  }
  if (state->acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (state->acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return fail("listen");
  }
  return std::unique_ptr<HttpServer>{new HttpServer{std::move(state)}};
}

HttpServer::HttpServer(std::shared_ptr<State> state) : state_{std::move(state)} {}

HttpServer::~HttpServer() { stop(); }

tcp::endpoint HttpServer::local_endpoint() const {
  error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void HttpServer::start() {
  net::co_spawn(state_->acceptor.get_executor(), accept_loop(state_),
                [](const std::exception_ptr& e) { log_unexpected("accept", e); });
}

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);  // ends the accept loop with operation_aborted
  for (auto& [id, stream] : state_->sessions) stream->socket().close(ignored);
}

}  // namespace gatehouse::tools
