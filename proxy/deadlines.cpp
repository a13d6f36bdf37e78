#include "proxy/deadlines.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include "proxy/errc.hpp"

namespace gatehouse::proxy {

using namespace net::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

net::awaitable<error_code> connect_within(tcp::socket& socket, const tcp::endpoint& endpoint,
                                          std::chrono::milliseconds limit) {
  net::steady_timer timer{socket.get_executor(), limit};
  auto first = co_await (socket.async_connect(endpoint, tok) || timer.async_wait(tok));
  if (first.index() == 1) co_return make_error_code(errc::connect_timeout);
  const error_code ec = std::get<0>(std::get<0>(first));
  if (!ec) {
    // A relay forwards what it has at once: Nagle would hold a small write (a TLS record, a
    // request) back until the previous one is acknowledged, up to the peer's delayed-ACK timer.
    error_code ignored;
    socket.set_option(tcp::no_delay{true}, ignored);
  }
  co_return ec;
}

net::awaitable<error_code> first_byte_by(tcp::socket& socket, Clock::time_point deadline) {
  net::steady_timer timer{socket.get_executor(), deadline};
  auto first = co_await (socket.async_wait(tcp::socket::wait_read, tok) || timer.async_wait(tok));
  if (first.index() == 1) co_return make_error_code(errc::handshake_timeout);
  co_return std::get<0>(std::get<0>(first));
}

net::awaitable<error_code> handshake_within(TlsSocket& stream, std::chrono::milliseconds limit,
                                            net::ssl::stream_base::handshake_type type) {
  net::steady_timer timer{stream.get_executor(), limit};
  auto first = co_await (stream.handshake(type) || timer.async_wait(tok));
  if (first.index() == 1) co_return make_error_code(errc::handshake_timeout);
  co_return std::get<0>(first);
}

net::awaitable<void> close_tls_within(TlsSocket& stream, std::chrono::milliseconds limit) {
  net::steady_timer timer{stream.get_executor(), limit};
  // The outcome does not matter: the connection is over either way; the bound keeps a peer that
  // never answers our close_notify from holding the slot.
  co_await (stream.shutdown() || timer.async_wait(tok));
  error_code ignored;
  stream.next_layer().close(ignored);  // already finished with this connection
}

}  // namespace gatehouse::proxy
