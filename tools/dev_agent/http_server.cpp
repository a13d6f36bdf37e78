#include "tools/dev_agent/http_server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <map>

#include "common/exception_text.hpp"
#include "common/listening_acceptor.hpp"
#include "tools/dev_agent/http_exchange.hpp"
#include "tools/dev_agent/request_reader.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using net::ip::tcp;
constexpr auto tok = net::as_tuple(net::use_awaitable);

namespace {

// How long a refused connection is drained after the answer, so the peer reads it instead of a
// reset (Go's `rstAvoidanceDelay`).
constexpr std::chrono::milliseconds kDrainTime{500};
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

// Writes Go's answer to an unreadable request, stops sending, and drains what the peer still
// sends for a moment so it reads the answer rather than a reset.
net::awaitable<void> refuse(beast::tcp_stream& stream, const ReadFailure& failure) {
  const std::string bytes = failure.wire();
  stream.expires_after(kDrainTime);
  auto [wec, wn] = co_await net::async_write(stream, net::buffer(bytes), tok);
  if (wec) co_return;
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 4096> scratch{};
  for (;;) {
    auto [rec, rn] = co_await stream.async_read_some(net::buffer(scratch), tok);
    if (rec) co_return;
  }
}

// Writes what the server answers: Go's refusal (then the connection is drained and closed) or
// the response. Whether the connection may carry another request.
net::awaitable<bool> send(beast::tcp_stream& stream, HttpAnswer& answer) {
  if (answer.refusal) {
    co_await refuse(stream, *answer.refusal);
    co_return false;
  }
  auto [wec, wn] = co_await http::async_write(stream, answer.response, tok);
  co_return !wec && answer.response.keep_alive();
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
    stream.expires_after(kReadTimeout);
    auto [ec, message] = co_await read_request(stream, buffer);
    if (ec) {
      // Go answers a request it cannot read; end of stream, timeout or stop get no answer.
      if (auto answer = answer_unreadable(ec, pending_bytes(buffer)); answer && !state->stopped) {
        co_await send(stream, *answer);
      }
      break;
    }
    stream.expires_never();  // blocking queries may legitimately take ten minutes
    HttpAnswer answer = co_await answer_request(state->handle, std::move(*message));
    if (!co_await send(stream, answer) || state->stopped) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);  // best effort on the way out
}

void log_unexpected(std::string_view what, const std::exception_ptr& e) {
  if (!e) return;
  SPDLOG_WARN("event=unexpected_error where={} error=\"{}\"", what, common::exception_text(e));
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
  const auto where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  if (auto listening = common::listen_on(state->acceptor, endpoint, where); !listening) {
    return listening.error();
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
