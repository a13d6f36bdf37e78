#pragma once
// The bounded waits of a connection's life: each step that waits on a peer (its first byte, the
// TLS handshake, the app's connect, close_notify) races a timer, so no peer can hold a worker's
// slot for longer than its limit.

#include <chrono>

#include "proxy/asio_types.hpp"
#include "proxy/tls_socket.hpp"

namespace gatehouse::proxy {

// Until `socket` is readable (the caller's first byte, or its EOF), or errc::handshake_timeout
// at `deadline`.
net::awaitable<error_code> first_byte_by(tcp::socket& socket,
                                         std::chrono::steady_clock::time_point deadline);

// The TLS handshake (as server unless told), or errc::handshake_timeout once `limit` passes (the
// stream is then unusable and must be closed).
net::awaitable<error_code> handshake_within(
    TlsSocket& stream, std::chrono::milliseconds limit,
    net::ssl::stream_base::handshake_type type = net::ssl::stream_base::server);

// TCP connect (with TCP_NODELAY, as on accepted sockets), or errc::connect_timeout once `limit`
// passes.
net::awaitable<error_code> connect_within(tcp::socket& socket, const tcp::endpoint& endpoint,
                                          std::chrono::milliseconds limit);

// close_notify, waiting at most `limit` for the peer's; then the socket is closed.
net::awaitable<void> close_tls_within(TlsSocket& stream, std::chrono::milliseconds limit);

}  // namespace gatehouse::proxy
