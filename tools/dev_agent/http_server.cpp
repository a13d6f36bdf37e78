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
#include <array>
#include <chrono>
#include <exception>
#include <optional>

#include "tools/dev_agent/read_failure.hpp"
#include <map>

namespace gatehouse::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using net::ip::tcp;
constexpr auto tok = net::as_tuple(net::use_awaitable);

namespace {

constexpr std::uint64_t kBodyLimit = 4 * 1024 * 1024;
// Go's DefaultMaxHeaderBytes (1 MB) plus the 4096 bytes of bufio slop its reader allows
// (net/http/server.go `initialReadLimitSize`); the request line counts, as in Go.
constexpr std::uint32_t kHeaderLimit = (1U << 20U) + 4096U;
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

http::response<http::string_body> to_message(Response res, unsigned version, bool keep_alive) {
  http::response<http::string_body> msg{static_cast<http::status>(res.status), version};
  if (!res.content_type.empty()) msg.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) msg.set(name, value);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep_alive);
  msg.prepare_payload();
  return msg;
}

// Go's serverHandler answers `OPTIONS *` itself (200, empty); ServeMux refuses `*` for any other
// method with 400, `Connection: close` and no body.
Response answer_asterisk(const Request& request) {
  if (request.method() == "OPTIONS") return Response::empty(200);
  return Response::empty(400);
}

net::awaitable<Response> answer(const StatePtr& state, const Request& request) {
  if (request.is_asterisk()) co_return answer_asterisk(request);
  std::string failure;
  try {
    co_return co_await state->handle(request);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  SPDLOG_WARN("event=handler_failed method={} error=\"{}\"", request.method(), failure);
  co_return Response::error(HttpError::internal("Internal error: " + failure));
}

std::string_view pending_bytes(const beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

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

// Beast's fields keep each name and value under 64 KiB and throw (from inside the read, out of
// the event loop) on a longer one. Go takes any header within its 1 MB limit; here a longer field
// is refused as too large, the same 431 Go writes past that limit.
class Parser : public http::request_parser<http::string_body> {
  static constexpr std::size_t kMaxField = 0xFFFFU - 2U;

  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     error_code& ec) override {
    if (name_string.size() > kMaxField || value.size() > kMaxField) {
      ec = http::error::header_limit;
      return;
    }
    get().insert(name, name_string, value);
  }
};

struct ReadResult {
  error_code ec;
  std::optional<Request::Message> message;
};

// Reads one request. Beast refuses versions other than 1.0 and 1.1 where Go serves any HTTP/1.x
// as HTTP/1.1 (`http1ServerSupportsRequest`), so such a request line is rewritten to 1.1 and
// parsed again.
net::awaitable<ReadResult> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  std::optional<Parser> parser;
  for (bool rewritten = false;; rewritten = true) {
    parser.emplace();
    parser->header_limit(kHeaderLimit);
    parser->body_limit(kBodyLimit);
    auto [ec, n] = co_await http::async_read(stream, buffer, *parser, tok);
    if (!ec) co_return ReadResult{ec, parser->release()};
    if (ec != http::error::bad_version || rewritten) co_return ReadResult{ec, std::nullopt};
    const auto digit = http1_minor_digit_to_rewrite(pending_bytes(buffer));
    if (!digit) co_return ReadResult{ec, std::nullopt};
    static_cast<char*>(buffer.data().data())[*digit] = '1';
  }
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
    if (ec == http::error::body_limit) {
      auto msg = to_message(Response::error({413, "Request body too large"}), 11, false);
      co_await http::async_write(stream, msg, tok);
      break;
    }
    if (ec) {
      // Go answers a request it cannot read; end of stream, timeout or stop get no answer.
      if (auto failure = read_failure(ec, pending_bytes(buffer)); failure && !state->stopped) {
        co_await refuse(stream, *failure);
      }
      break;
    }
    stream.expires_never();  // blocking queries may legitimately take ten minutes
    if (auto failure = check_parsed_request(*message)) {
      co_await refuse(stream, *failure);
      break;
    }
    const unsigned version = message->version();
    bool keep_alive = message->keep_alive();
    auto request = Request::from_message(std::move(*message));
    if (!request) {  // Go's url.ParseRequestURI refused the target: a plain 400
      const ReadFailure plain;  // named: GCC 12 destroys a temporary argument of co_await twice
      co_await refuse(stream, plain);
      break;
    }
    if (request->is_asterisk() && request->method() != "OPTIONS") keep_alive = false;
    Response res = co_await answer(state, *request);
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
