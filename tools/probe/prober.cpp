#include "tools/probe/prober.hpp"

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
#include <optional>

#include "tls/peer_identity.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;
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

// Waits for the first bytes or the end of the stream, up to `settle`.
template <class Stream>
net::awaitable<void> settle_on(Stream& stream, ConnectionFacts& facts) {
  std::array<char, 4096> buf{};
  net::steady_timer timer{stream.get_executor(), facts.settle};
  auto first = co_await (stream.async_read_some(net::buffer(buf), tok) || timer.async_wait(tok));
  if (first.index() == 1) {
    facts.end = StreamEnd::still_open;
    co_return;
  }
  const auto [ec, n] = std::get<0>(first);
  facts.app_bytes = n;
  if (n > 0 || !ec) {
    facts.end = StreamEnd::still_open;
  } else if (ec == net::error::eof) {
    // Asio reports a TLS close_notify as eof, and a TCP FIN without one as stream_truncated.
    facts.end = facts.tls ? StreamEnd::close_notify : StreamEnd::eof;
  } else if (ec == net::ssl::error::stream_truncated) {
    facts.end = StreamEnd::eof;
  } else {
    facts.end = StreamEnd::error;
    facts.end_detail = ec.message();
  }
}

}  // namespace

net::awaitable<ConnectionFacts> probe_mtls(DialTarget target,
                                           std::shared_ptr<const tls::TlsContext> client,
                                           tls::ServiceIdentity expected,
                                           milliseconds connect_timeout, milliseconds settle) {
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
  co_await settle_on(stream, facts);
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
                                            milliseconds settle) {
  const auto ex = co_await net::this_coro::executor;
  net::steady_timer deadline{ex, connect_timeout};
  tcp::socket socket{ex};
  if (auto why = co_await connect_before(socket, target, deadline)) {
    co_return failed(*why, false, settle);
  }
  ConnectionFacts facts;
  facts.tls = false;
  facts.settle = settle;
  co_await settle_on(socket, facts);
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);  // closing anyway
  socket.close(ignored);
  co_return facts;
}

}  // namespace gatehouse::tools
