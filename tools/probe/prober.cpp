#include "tools/probe/prober.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "tls/peer_identity.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;
using namespace net::experimental::awaitable_operators;

namespace {

// The completion token is named `tok` throughout, as in proxy/asio_types.hpp.
constexpr auto tok = net::as_tuple(net::use_awaitable);  // NOLINT(readability-identifier-naming)
constexpr milliseconds kCloseBound{500};

ConnectionFacts failed(std::string why, bool tls, milliseconds settle) {
  ConnectionFacts facts;
  facts.failure = std::move(why);
  facts.tls = tls;
  facts.settle = settle;
  return facts;
}

// Resolve and connect before `deadline` fires; the error text on failure.
net::awaitable<std::optional<std::string>> connect_before(tcp::socket& socket,
                                                          const DialTarget& target,
                                                          net::steady_timer& deadline) {
  tcp::resolver resolver{socket.get_executor()};
  auto [rec, endpoints] =
      co_await resolver.async_resolve(target.host, std::to_string(target.port), tok);
  if (rec) co_return "resolve " + target.host + ": " + rec.message();
  auto first = co_await (net::async_connect(socket, endpoints, tok) || deadline.async_wait(tok));
  if (first.index() == 1) co_return "connect " + target.label() + ": timed out";
  const auto [ec, endpoint] = std::get<0>(first);
  if (ec) co_return "connect " + target.label() + ": " + ec.message();
  co_return std::nullopt;
}

// How the stream ended, from a read's error (no bytes came with it).
void note_end(const error_code& ec, ConnectionFacts& facts) {
  if (!ec) {
    facts.end = StreamEnd::still_open;
  } else if (ec == net::error::eof || ec == http::error::end_of_stream) {
    // Asio reports a TLS close_notify as eof, and a TCP FIN without one as stream_truncated;
    // Beast reports either eof before a response's first byte as end_of_stream.
    facts.end = facts.tls ? StreamEnd::close_notify : StreamEnd::eof;
  } else if (ec == net::ssl::error::stream_truncated) {
    facts.end = StreamEnd::eof;
  } else {
    facts.end = StreamEnd::error;
    facts.end_detail = ec.message();
  }
}

void keep_reply(ConnectionFacts& facts, const char* data, std::size_t n) {
  facts.app_bytes += n;
  facts.reply.append(data, std::min(n, kReplyLimit - facts.reply.size()));
}

// Waits for the first bytes or the end of the stream, until `window` fires.
template <class Stream>
net::awaitable<void> settle_on(Stream& stream, ConnectionFacts& facts, net::steady_timer& window) {
  std::array<char, 4096> buf{};
  auto first = co_await (stream.async_read_some(net::buffer(buf), tok) || window.async_wait(tok));
  if (first.index() == 1) co_return;  // still open
  const auto [ec, n] = std::get<0>(first);
  keep_reply(facts, buf.data(), n);
  if (n == 0) note_end(ec, facts);
}

// The reply is known: any byte without -expect-reply; a match (or a full buffer) with it.
bool answered(const ProbeRequest& request, const std::string& reply) {
  if (!request.expect_reply) return !reply.empty();
  return reply.size() >= kReplyLimit || std::regex_search(reply, *request.expect_reply);
}

// -send: the text, then the reply until it is known, the stream ends or `window` fires.
template <class Stream>
net::awaitable<void> send_on(Stream& stream, const ProbeRequest& request, ConnectionFacts& facts,
                             net::steady_timer& window) {
  auto wrote = co_await (net::async_write(stream, net::buffer(request.payload), tok) ||
                         window.async_wait(tok));
  if (wrote.index() == 1) co_return;  // still open, nothing read
  if (const auto [ec, n] = std::get<0>(wrote); ec) {
    note_end(ec, facts);
    co_return;
  }
  std::array<char, 4096> buf{};
  for (;;) {
    auto got = co_await (stream.async_read_some(net::buffer(buf), tok) || window.async_wait(tok));
    if (got.index() == 1) co_return;
    const auto [ec, n] = std::get<0>(got);
    keep_reply(facts, buf.data(), n);
    if (ec) {
      if (facts.app_bytes == 0) note_end(ec, facts);
      co_return;
    }
    if (answered(request, facts.reply)) co_return;
  }
}

// -http-get: a GET with Connection: close, the response head, then the body's first bytes (all
// kReplyLimit of them when -expect-reply must search them).
template <class Stream>
net::awaitable<void> http_get_on(Stream& stream, const ProbeRequest& request,
                                 const std::string& host, ConnectionFacts& facts,
                                 net::steady_timer& window) {
  http::request<http::empty_body> req{http::verb::get, request.payload, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "gatehouse-probe");
  req.keep_alive(false);
  auto wrote = co_await (http::async_write(stream, req, tok) || window.async_wait(tok));
  if (wrote.index() == 1) co_return;
  if (const auto [ec, n] = std::get<0>(wrote); ec) {
    note_end(ec, facts);
    co_return;
  }
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);  // the reads below stop at the bytes wanted
  auto head =
      co_await (http::async_read_header(stream, buffer, parser, tok) || window.async_wait(tok));
  const bool some = parser.got_some() || buffer.size() > 0;
  if (some) facts.app_bytes = std::max<std::uint64_t>(buffer.size(), 1);
  if (head.index() == 1) {
    if (some) facts.http_error = "no complete response head within the settle window";
    co_return;
  }
  if (const auto [ec, n] = std::get<0>(head); ec) {
    if (some) {
      facts.http_error = ec.message();
    } else {
      note_end(ec, facts);
    }
    co_return;
  }
  facts.http_status = parser.get().result_int();
  const std::size_t wanted = request.expect_reply ? kReplyLimit : kReplyShown;
  while (!parser.is_done() && parser.get().body().size() < wanted) {
    auto more =
        co_await (http::async_read_some(stream, buffer, parser, tok) || window.async_wait(tok));
    if (more.index() == 1 || std::get<0>(std::get<0>(more))) break;  // the status is the answer
  }
  const auto& body = parser.get().body();
  facts.reply = body.substr(0, kReplyLimit);
}

// The exchange, or the settle wait without a request; `facts.elapsed` from `started`.
template <class Stream>
net::awaitable<void> observe_on(Stream& stream, const Exchange& exchange, ConnectionFacts& facts,
                                std::chrono::steady_clock::time_point started) {
  net::steady_timer window{stream.get_executor(), facts.settle};
  if (!exchange.request) {
    co_await settle_on(stream, facts, window);
  } else if (exchange.request->kind == ProbeRequest::Kind::http_get) {
    co_await http_get_on(stream, *exchange.request, exchange.host, facts, window);
  } else {
    co_await send_on(stream, *exchange.request, facts, window);
  }
  facts.elapsed =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
}

}  // namespace

net::awaitable<ConnectionFacts> probe_mtls(DialTarget target,
                                           std::shared_ptr<const tls::TlsContext> client,
                                           tls::ServiceIdentity expected,
                                           milliseconds connect_timeout, milliseconds settle,
                                           Exchange exchange) {
  const auto started = std::chrono::steady_clock::now();
  const auto ex = co_await net::this_coro::executor;
  net::steady_timer deadline{ex, connect_timeout};
  net::ssl::stream<tcp::socket> stream{ex, client->ssl_context()};
  if (auto why = co_await connect_before(stream.next_layer(), target, deadline)) {
    co_return failed(*why, true, settle);
  }
  auto shake = co_await (stream.async_handshake(net::ssl::stream_base::client, tok) ||
                         deadline.async_wait(tok));
  if (shake.index() == 1) co_return failed("handshake: timed out", true, settle);
  if (const auto [ec] = std::get<0>(shake); ec) {
    co_return failed("handshake: " + ec.message(), true, settle);
  }
  auto peer = tls::peer_identity(stream.native_handle());
  if (!peer) co_return failed("identity: " + peer.error(), true, settle);
  if (auto same = tls::verify_server_identity(peer->id, expected); !same) {
    co_return failed("identity: " + same.error(), true, settle);
  }
  ConnectionFacts facts;
  facts.tls = true;
  facts.settle = settle;
  co_await observe_on(stream, exchange, facts, started);
  if (facts.end != StreamEnd::error) {
    net::steady_timer bound{ex, kCloseBound};
    // Our close_notify; the outcome does not matter, the bound keeps a silent peer from holding us.
    co_await (stream.async_shutdown(tok) || bound.async_wait(tok));
  }
  error_code ignored;
  stream.next_layer().close(ignored);  // finished with this connection either way
  co_return facts;
}

net::awaitable<ConnectionFacts> probe_plain(DialTarget target, milliseconds connect_timeout,
                                            milliseconds settle, Exchange exchange) {
  const auto started = std::chrono::steady_clock::now();
  const auto ex = co_await net::this_coro::executor;
  net::steady_timer deadline{ex, connect_timeout};
  tcp::socket socket{ex};
  if (auto why = co_await connect_before(socket, target, deadline)) {
    co_return failed(*why, false, settle);
  }
  ConnectionFacts facts;
  facts.tls = false;
  facts.settle = settle;
  co_await observe_on(socket, exchange, facts, started);
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);  // closing anyway
  socket.close(ignored);
  co_return facts;
}

}  // namespace gatehouse::tools
